/** The fields of a subscription form, generated from the event catalogue's filters and the manifest's input descriptors. */
import * as React from "react";
import type { GitRepository } from "azure-devops-extension-api/Git";
import type { EventFilter, ManifestInputDescriptor } from "../../contract";
import { Select } from "./Select";
import { TextInput } from "./TextInput";

interface FieldProps {
  /** Keeps the ids of two forms on one page apart, e.g. "new" or "edit". */
  idPrefix: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}

export function FilterField(props: FieldProps & { filter: EventFilter; repositories: GitRepository[] }): JSX.Element {
  const { filter } = props;
  const id = `${props.idPrefix}-filter-${filter.id}`;
  if (filter.kind === "repository") {
    const options = [{ value: "", text: "Any repository" }, ...sortByName(props.repositories).map((r) => ({ value: r.id, text: r.name }))];
    return <Select id={id} label={filter.name} value={props.value} options={options} error={props.error} onChange={props.onChange} />;
  }
  if (filter.kind === "choice") {
    const options = [{ value: "", text: "Any" }, ...(filter.choices ?? []).map((c) => ({ value: c.value, text: c.label }))];
    return <Select id={id} label={filter.name} value={props.value} options={options} error={props.error} onChange={props.onChange} />;
  }
  return <TextInput id={id} label={filter.name} value={props.value} error={props.error} placeholder="Any branch, or e.g. main" onChange={props.onChange} />;
}

export interface InputFieldProps extends FieldProps {
  input: ManifestInputDescriptor;
  /** Replaces the descriptor's description, e.g. to say that an empty secret keeps the stored one. */
  description?: string;
  /** Overrides the descriptor's isRequired, e.g. for a secret that is already stored. */
  required?: boolean;
}

export function InputField(props: InputFieldProps): JSX.Element {
  const { input } = props;
  const id = `${props.idPrefix}-input-${input.id}`;
  const required = props.required ?? input.validation?.isRequired ?? false;
  const description = props.description ?? input.description;
  const choices = input.values?.possibleValues;
  if (choices && choices.length > 0) {
    const options = choices.map((c) => ({ value: c.value, text: c.displayValue ?? c.value }));
    const withBlank = required || input.values?.defaultValue ? options : [{ value: "", text: "Default" }, ...options];
    return <Select id={id} label={input.name} required={required} value={props.value} options={withBlank} error={props.error} description={description} onChange={props.onChange} />;
  }
  return (
    <TextInput
      id={id}
      label={input.name}
      required={required}
      password={input.inputMode === "passwordBox" || input.isConfidential}
      value={props.value}
      maxLength={input.validation?.maxLength}
      error={props.error}
      description={description}
      onChange={props.onChange}
    />
  );
}

function sortByName(repositories: GitRepository[]): GitRepository[] {
  return [...repositories].sort((a, b) => a.name.localeCompare(b.name));
}
