/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline (the CSP allows no stylesheet fetches) and small: readable, high-contrast, mobile-friendly. */
const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
  main{width:100%;max-width:24rem;margin:1rem;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
  h1{margin:0 0 1rem;font-size:1.25rem}
  p{margin:0 0 1rem}
  label{display:block;margin:0 0 .25rem;font-weight:600}
  input[type=text],input[type=password]{width:100%;margin:0 0 1rem;padding:.6rem .75rem;border:1px solid #9ca3af;border-radius:.5rem;font:inherit}
  input:focus,button:focus{outline:3px solid #93c5fd;outline-offset:1px}
  button{padding:.6rem 1.2rem;border:0;border-radius:.5rem;font:inherit;font-weight:600;cursor:pointer;background:#1d4ed8;color:#fff}
  button.secondary{background:#e5e7eb;color:#111827}
  .actions{display:flex;gap:.75rem;justify-content:flex-end}
  .alert{padding:.6rem .75rem;border-radius:.5rem;background:#fee2e2;color:#991b1b}
  ul{margin:0 0 1.5rem;padding-left:1.25rem}
  code{font-size:.9em}
`;

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
