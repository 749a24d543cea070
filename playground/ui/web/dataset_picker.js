// TensorFlow Playground's dataset thumbnails: click one to use it (one element, not a button each).
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".npd");
  root.innerHTML = "";
  for (const item of data.items) {
    const b = document.createElement("button");
    b.className = "npd-item" + (item.name === data.selected ? " npd-selected" : "");
    b.title = item.label;
    b.setAttribute("aria-label", `dataset ${item.label}`);
    b.setAttribute("aria-pressed", item.name === data.selected ? "true" : "false");
    b.dataset.name = item.name;
    b.innerHTML = `<img src="${item.src}" alt=""><span>${item.label}</span>`;
    b.addEventListener("click", () => setTriggerValue("pick", item.name));
    root.appendChild(b);
  }
}
