/** Project and task selects, rebuilt only when the list of projects changes (keeping the selection). */
import type { ProjectChoice } from "../preload/api";
import { h } from "./dom";

export interface ProjectSelection {
  projectId: string | null;
  taskId: string | null;
}

export function projectLabel(projects: ProjectChoice[], projectId: string | null, taskId: string | null): string {
  if (projectId === null) return "No project";
  const p = projects.find((x) => x.id === projectId);
  if (!p) return "Unknown project";
  const t = taskId === null ? null : p.tasks.find((x) => x.id === taskId);
  const name = p.clientName ? `${p.clientName} · ${p.name}` : p.name;
  return t ? `${name} / ${t.name}` : name;
}

export class ProjectPicker {
  readonly el: HTMLElement;
  private readonly project: HTMLSelectElement;
  private readonly task: HTMLSelectElement;
  private projects: ProjectChoice[] = [];
  private key = "";

  /** `noneLabel`: the text of the "no project" choice, or null when a project is required. */
  constructor(private readonly noneLabel: string | null) {
    this.project = h("select", { "aria-label": "Project", onchange: () => this.fillTasks(null) });
    this.task = h("select", { "aria-label": "Task" });
    this.el = h("div", { class: "picker" }, h("label", {}, "Project", this.project), h("label", {}, "Task", this.task));
  }

  setProjects(projects: ProjectChoice[]): void {
    const key = JSON.stringify(projects);
    if (key === this.key) return;
    this.key = key;
    this.projects = projects;
    const keep = this.value();
    this.project.replaceChildren();
    if (this.noneLabel !== null) this.project.append(h("option", { value: "" }, this.noneLabel));
    for (const p of projects) this.project.append(h("option", { value: p.id }, p.clientName ? `${p.clientName} · ${p.name}` : p.name));
    this.set(keep);
  }

  set(sel: ProjectSelection): void {
    const known = sel.projectId !== null && this.projects.some((p) => p.id === sel.projectId);
    this.project.value = known && sel.projectId !== null ? sel.projectId : this.noneLabel !== null ? "" : this.projects[0]?.id ?? "";
    this.fillTasks(known ? sel.taskId : null);
  }

  value(): ProjectSelection {
    const projectId = this.project.value === "" ? null : this.project.value;
    const taskId = projectId === null || this.task.value === "" ? null : this.task.value;
    return { projectId, taskId };
  }

  setDisabled(disabled: boolean): void {
    this.project.disabled = disabled;
    this.task.disabled = disabled || this.task.options.length <= 1;
  }

  private fillTasks(taskId: string | null): void {
    const p = this.projects.find((x) => x.id === this.project.value);
    this.task.replaceChildren(h("option", { value: "" }, "No task"));
    for (const t of p?.tasks ?? []) this.task.append(h("option", { value: t.id }, t.name));
    this.task.value = taskId !== null && p?.tasks.some((t) => t.id === taskId) ? taskId : "";
    this.task.disabled = this.project.disabled || !p || p.tasks.length === 0;
  }
}
