/**
 * A tiny DOM builder. Text is always inserted as text nodes (never parsed as HTML), so window
 * titles, URLs and notes coming from the agent cannot inject markup or script.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (typeof value === "boolean") el.toggleAttribute(name, value);
    else if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Runs an action with its button disabled, reporting a failure through `onError`. */
export async function busy(button: HTMLButtonElement, action: () => Promise<unknown>, onError: (message: string) => void): Promise<void> {
  button.disabled = true;
  try {
    await action();
  } catch (e) {
    onError(e instanceof Error ? e.message : String(e));
  } finally {
    button.disabled = false;
  }
}
