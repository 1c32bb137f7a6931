import * as React from "react";

export interface SelectOption {
  value: string;
  text: string;
}

export interface SelectProps {
  id: string;
  label: string;
  value: string;
  options: SelectOption[];
  onChange: (value: string) => void;
  error?: string;
  description?: string;
  required?: boolean;
}

/** A labelled native select: keyboard- and screen-reader-friendly, styled with the theme's variables. */
export function Select(props: SelectProps): JSX.Element {
  const messageId = `${props.id}-message`;
  const message = props.error ?? props.description;
  return (
    <div className={`hr-field${props.error ? " hr-field-error" : ""}`}>
      <label htmlFor={props.id} className="hr-label">
        {props.label}
        {props.required ? " (required)" : ""}
      </label>
      <select
        id={props.id}
        className="hr-select"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={message ? messageId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
      {message ? (
        <div id={messageId} className={props.error ? "hr-message-error" : "hr-message"} role={props.error ? "alert" : undefined}>
          {message}
        </div>
      ) : null}
    </div>
  );
}
