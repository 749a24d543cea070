// Carries one training frame from Python to the live views on the same page (the network view, the
// hidden-space picture), each listening on its own channel, without remounting them.
export default function (component) {
  for (const { channel, frame } of component.data.events) {
    window.dispatchEvent(new CustomEvent(`np-frame:${channel}`, { detail: frame }));
  }
}
