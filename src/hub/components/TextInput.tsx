import * as React from "react";
import { TextField } from "azure-devops-ui/TextField";

export interface TextInputProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  password?: boolean;
  required?: boolean;
  error?: string;
  description?: string;
  maxLength?: number;
  placeholder?: string;
}

/** azure-devops-ui TextField with a real <label> and its validation message tied in with aria-describedby. */
export function TextInput(props: TextInputProps): JSX.Element {
  const messageId = `${props.id}-message`;
  const message = props.error ?? props.description;
  return (
    <div className={`hr-field${props.error ? " hr-field-error" : ""}`}>
      <label htmlFor={props.id} className="hr-label">
        {props.label}
        {props.required ? " (required)" : ""}
      </label>
      <TextField
        inputId={props.id}
        value={props.value}
        inputType={props.password ? "password" : "text"}
        autoComplete={false}
        maxLength={props.maxLength}
        placeholder={props.placeholder}
        ariaInvalid={props.error ? true : undefined}
        ariaDescribedBy={message ? messageId : undefined}
        onChange={(_e, value) => props.onChange(value)}
      />
      {message ? (
        <div id={messageId} className={props.error ? "hr-message-error" : "hr-message"} role={props.error ? "alert" : undefined}>
          {message}
        </div>
      ) : null}
    </div>
  );
}
