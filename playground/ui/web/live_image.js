// A picture that training frames can replace while the page plays (see frame_pump.js).
export default function (component) {
  const { data, parentElement } = component;
  const img = parentElement.querySelector("img");
  img.src = data.src;
  img.alt = data.alt || "";
  img.style.width = `${data.width || 360}px`;
  const channel = `np-frame:${data.channel}`;
  const listener = (ev) => { if (ev.detail && ev.detail.src) img.src = ev.detail.src; };
  if (parentElement.__npChannel) window.removeEventListener(parentElement.__npChannel, parentElement.__npListener);
  window.addEventListener(channel, listener);
  parentElement.__npChannel = channel; parentElement.__npListener = listener;
  return () => window.removeEventListener(channel, listener);
}
