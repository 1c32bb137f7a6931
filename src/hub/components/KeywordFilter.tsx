import * as React from "react";
import { Button } from "azure-devops-ui/Button";
import { TextField, TextFieldWidth } from "azure-devops-ui/TextField";

export interface KeywordFilterProps {
  value: string;
  onChange: (value: string) => void;
  /** Whether the value holds any words; only then is the count shown. */
  active: boolean;
  /** Rows that match, out of `total`. */
  shown: number;
  total: number;
}

/** The keyword box above the table, with a clear button and how many subscriptions match. */
export function KeywordFilter(props: KeywordFilterProps): JSX.Element {
  const { value, onChange } = props;
  return (
    <div className="hr-keyword-filter" role="search" aria-label="Filter subscriptions">
      <div className="hr-keyword-filter-field">
        <TextField
          inputId="hr-keyword-filter"
          role="searchbox"
          ariaLabel="Filter subscriptions by keyword"
          placeholder="Filter by event, repository, branch, endpoint, status or creator"
          value={value}
          prefixIconProps={{ iconName: "Search" }}
          width={TextFieldWidth.auto}
          autoComplete={false}
          spellCheck={false}
          onChange={(_e, text) => onChange(text)}
          onKeyDown={(e) => {
            if (e.key === "Escape" && value) {
              // Only when there is something to clear, so Escape still reaches whatever else listens for it.
              e.stopPropagation();
              onChange("");
            }
          }}
        />
      </div>
      {value ? <Button iconProps={{ iconName: "Cancel" }} subtle ariaLabel="Clear keyword filter" onClick={() => onChange("")} /> : null}
      <span className="hr-keyword-count" aria-live="polite">
        {props.active ? `${props.shown} of ${props.total} subscriptions` : ""}
      </span>
    </div>
  );
}
