// Templates are embedded as text by the bundler (esbuild's text loader) and by jest's text transform.
declare module '*.yaml' {
  const text: string;
  export default text;
}
