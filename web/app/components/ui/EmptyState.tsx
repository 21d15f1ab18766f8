import type { ReactNode } from "react";

export interface EmptyStateProps {
  /** What is missing, e.g. "No projects yet". */
  title: ReactNode;
  /** What the user can do about it. */
  description?: ReactNode;
  /** A button or link to the next step. */
  action?: ReactNode;
}

/** The placeholder for an empty list: says what is missing and how to fix it, never fake data. */
export function EmptyState({ title, description, action }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {description ? <p className="empty-description">{description}</p> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}
