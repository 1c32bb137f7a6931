import * as React from "react";

/**
 * Collapsible JSON built from React text nodes only, so payload content is always escaped.
 * Uses <details>/<summary>, which are keyboard-operable and announced as expandable by screen readers.
 */
export function JsonViewer(props: { value: unknown; label: string }): JSX.Element {
  return (
    <div className="hr-json" role="group" aria-label={props.label}>
      <JsonNode name={undefined} value={props.value} depth={0} />
    </div>
  );
}

function JsonNode(props: { name: string | undefined; value: unknown; depth: number }): JSX.Element {
  const { name, value, depth } = props;
  const key = name === undefined ? null : <span className="hr-json-key">{JSON.stringify(name)}: </span>;
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    return (
      <details open={depth < 2} className="hr-json-node">
        <summary>
          {key}
          {open}
          {entries.length === 0 ? close : ` ${entries.length} ${entries.length === 1 ? "item" : "items"} `}
        </summary>
        <div className="hr-json-children">
          {entries.map(([childName, child]) => (
            <JsonNode key={childName} name={Array.isArray(value) ? undefined : childName} value={child} depth={depth + 1} />
          ))}
        </div>
        {entries.length > 0 ? <div>{close}</div> : null}
      </details>
    );
  }
  return (
    <div className="hr-json-leaf">
      {key}
      <span className={`hr-json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value) ?? "undefined"}</span>
    </div>
  );
}
