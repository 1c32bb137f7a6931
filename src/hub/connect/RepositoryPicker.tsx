import * as React from "react";
import { Checkbox } from "azure-devops-ui/Checkbox";
import type { GitRepository } from "azure-devops-extension-api/Git";
import { TextInput } from "../components/TextInput";

export interface RepositoryPickerProps {
  repositories: GitRepository[];
  selectedIds: string[];
  onChange: (selectedIds: string[]) => void;
  error?: string;
}

/** A searchable multi-select: the search narrows the list, and choices outside it stay chosen. */
export function RepositoryPicker(props: RepositoryPickerProps): JSX.Element {
  const [search, setSearch] = React.useState("");
  const selected = new Set(props.selectedIds);
  const term = search.trim().toLowerCase();
  const shown = [...props.repositories].sort((a, b) => a.name.localeCompare(b.name)).filter((r) => r.name.toLowerCase().includes(term));
  const toggle = (id: string, checked: boolean) =>
    props.onChange(checked ? [...props.selectedIds, id] : props.selectedIds.filter((x) => x !== id));

  return (
    <div className={`hr-repository-picker${props.error ? " hr-field-error" : ""}`}>
      <TextInput id="connect-repository-search" label="Search repositories" value={search} placeholder="Repository name" onChange={setSearch} />
      <div role="group" aria-label="Repositories" className="hr-repository-list">
        {shown.map((r) => (
          <Checkbox key={r.id} label={r.name} checked={selected.has(r.id)} onChange={(_e, checked) => toggle(r.id, checked)} />
        ))}
        {shown.length === 0 ? (
          <span className="hr-message">{props.repositories.length === 0 ? "No Git repositories could be read in this project." : `No repository matches "${search.trim()}".`}</span>
        ) : null}
      </div>
      <div className={props.error ? "hr-message-error" : "hr-message"} role={props.error ? "alert" : undefined}>
        {props.error ?? `${selected.size} of ${props.repositories.length} repositories chosen`}
      </div>
    </div>
  );
}
