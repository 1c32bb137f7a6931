import * as React from "react";

export interface SubmitFormProps {
  className: string;
  /** The form's accessible name. */
  label: string;
  onSubmit: () => void;
  children: React.ReactNode;
}

/** A form that submits on Enter without the browser's own validation: the page checks its fields and says what is wrong. */
export function SubmitForm(props: SubmitFormProps): JSX.Element {
  return (
    <form
      className={props.className}
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}
