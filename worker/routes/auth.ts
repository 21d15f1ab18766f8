import { newRouter } from "./_shared";

// Placeholder: filled in by its feature.
export const authRoutes = newRouter();
