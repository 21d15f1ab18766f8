/**
 * The design system: import everything from "~/components/ui" (or a relative path).
 *
 * Conventions for pages:
 * - Forms: <Form method="post"> with <Stack> of fields, then <Inline end> with the buttons.
 *   Field errors: <Field error={fieldError(actionData?.error, "name")} />; the summary: <FormError error={actionData?.error} />.
 * - Page body: the workspace shell's content area already puts 24px between top-level children, so a page
 *   can return <><PageHeader .../><Card .../>...</> without a wrapper (or a <Stack gap={3}>).
 * - Errors inside a workspace page keep the sidebar: `export { RouteErrorBoundary as ErrorBoundary } from "~/components/ui"`.
 * - No style= attributes (CSP). Useful CSS classes (styles/*.css):
 *   "muted" (secondary text), "sr-only", "num" (right-aligned tabular digits, for DataTable columns),
 *   "actions" (right-aligned cell with inline buttons/forms), "grid-cards" (responsive card grid),
 *   "inline-form" (a <Form> that sits inline, e.g. a row's "Remove" button), "link" (text link),
 *   "mono" (ids, codes), "stack"/"inline" + "gap-N", "form-row" (fields side by side, wrapping),
 *   "details" (a <dl> as a label/value grid), "split" (main column + 360px aside, stacking on mobile).
 */
export { Button, type ButtonProps, type ButtonVariant, type ButtonSize } from "./Button";
export { Field, type FieldProps } from "./Field";
export { TextAreaField, type TextAreaFieldProps } from "./TextAreaField";
export { SelectField, type SelectFieldProps, type SelectOption } from "./SelectField";
export { CheckboxField, type CheckboxFieldProps } from "./CheckboxField";
export { Card, type CardProps } from "./Card";
export { PageHeader, type PageHeaderProps, type Crumb } from "./PageHeader";
export { DataTable, type DataTableProps, type Column } from "./DataTable";
export { Badge, type BadgeProps, type BadgeTone } from "./Badge";
export { RoleBadge } from "./RoleBadge";
export { Alert, type AlertProps, type AlertTone } from "./Alert";
export { FormError, type FormErrorProps } from "./FormError";
export { EmptyState, type EmptyStateProps } from "./EmptyState";
export { AuthLayout, type AuthLayoutProps } from "./AuthLayout";
export { Logo, type LogoProps } from "./Logo";
export { Stack, Inline, type Gap } from "./Stack";
export { fieldError } from "../../lib/forms";
export { ROLE_LABELS, ROLE_DESCRIPTIONS, roleLabel, roleOptions } from "../../lib/roles";
export { Icon, type IconName, type IconProps } from "./Icon";
export { SiteHeader, type SiteHeaderProps } from "./SiteHeader";
export { SignOutForm } from "./SignOutForm";
export { ErrorPage, RouteErrorBoundary, errorStatus } from "./ErrorPage";
export { AppSidebar, type AppSidebarProps, type NavItem } from "./AppSidebar";
export { WorkspaceSwitcher, type WorkspaceLink } from "./WorkspaceSwitcher";
