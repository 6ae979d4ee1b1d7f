/* Node module hooks that resolve the portal's browser modules as a browser does with the page's
 * import map (app/portal/importmap.py): a bare specifier matching an entry maps to the gateway's URL,
 * here the file under app/portal/static; any other bare specifier, and any node: builtin, imported
 * from the static folder fails, as it would in the browser. Registered by portal_js.mjs with
 * {imports, staticUrl, staticDir}. */
import { pathToFileURL } from 'node:url';

let imports = {};
let staticUrl = '';
let staticRoot = '';

export async function initialize(data) {
  imports = data.imports;
  staticUrl = data.staticUrl;
  staticRoot = pathToFileURL(data.staticDir).href + '/';
}

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  const fromStatic = (context.parentURL || '').startsWith(staticRoot);
  for (const [prefix, target] of Object.entries(imports)) {
    if (specifier.startsWith(prefix)) {
      const path = target + specifier.slice(prefix.length);
      if (!path.startsWith(staticUrl + '/')) throw new Error(`import map target ${path} is not a static file`);
      return { url: staticRoot + path.slice(staticUrl.length + 1), format: 'module', shortCircuit: true };
    }
  }
  if (fromStatic && (isBare(specifier) || specifier.startsWith('node:'))) {
    throw new Error(`a browser cannot resolve '${specifier}' (imported by ${context.parentURL})`);
  }
  const resolved = await nextResolve(specifier, context);
  return resolved.url.startsWith(staticRoot) ? { ...resolved, format: 'module' } : resolved;
}
