import * as React from "react";
import { TextField } from "azure-devops-ui/TextField";
import { getSafeId } from "azure-devops-ui/Util";

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

/**
 * azure-devops-ui TextField with a visible label and its validation message tied in with aria-describedby.
 * TextField prefixes the ids it renders (getSafeId), so the label and message use the same prefix.
 */
export function TextInput(props: TextInputProps): JSX.Element {
  const labelId = `${props.id}-label`;
  const messageId = `${props.id}-message`;
  const message = props.error ?? props.description;
  return (
    <div className={`hr-field${props.error ? " hr-field-error" : ""}`}>
      <label id={getSafeId(labelId)} htmlFor={getSafeId(props.id)} className="hr-label">
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
        ariaLabelledBy={labelId}
        ariaInvalid={props.error ? true : undefined}
        ariaDescribedBy={message ? messageId : undefined}
        onChange={(_e, value) => props.onChange(value)}
      />
      {message ? (
        <div id={getSafeId(messageId)} className={props.error ? "hr-message-error" : "hr-message"} role={props.error ? "alert" : undefined}>
          {message}
        </div>
      ) : null}
    </div>
  );
}
