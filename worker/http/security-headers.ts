/**
 * Security headers for every response. Scripts: only our own files plus inline scripts whose
 * nonce we generated for this response (Remix's hydration data). No framing, no sniffing.
 */
export function securityHeaders(nonce: string, isHtml: boolean): Record<string, string> {
  const h: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
  h["content-security-policy"] = isHtml
    ? [
        "default-src 'self'", `script-src 'self' 'nonce-${nonce}'`, "style-src 'self'",
        "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self'", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
      ].join("; ")
    : "default-src 'none'; frame-ancestors 'none'";
  return h;
}
