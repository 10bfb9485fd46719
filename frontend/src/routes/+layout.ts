// A single-page app: nothing is rendered on a server or at build time; the
// Go server answers index.html for every path and the router takes over.
export const ssr = false;
export const prerender = false;
