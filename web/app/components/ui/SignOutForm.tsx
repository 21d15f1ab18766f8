import { Form } from "@remix-run/react";
import { Button, type ButtonProps } from "./Button";
import { Icon } from "./Icon";

/** A POST to /logout (never a GET link, so a stray prefetch or image cannot sign anyone out). */
export function SignOutForm({ variant = "ghost", size = "sm" }: { /** Button look. */ variant?: ButtonProps["variant"]; /** Button size. */ size?: ButtonProps["size"] }) {
  return (
    <Form method="post" action="/logout" className="inline-form">
      <Button type="submit" variant={variant} size={size}>
        <Icon name="logout" size="sm" />
        Sign out
      </Button>
    </Form>
  );
}
