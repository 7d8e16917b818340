/** Instrumenting a snippet with a private site table, for tests. */

import { instrument, type InstrumentOptions, type SiteRecord } from '../../dist/index.js';

export interface Instrumented {
  code: string | null;
  sites: SiteRecord[];
}

export function instrumentSnippet(source: string, format: 'module' | 'commonjs' = 'module', options: Partial<InstrumentOptions> = {}): Instrumented {
  const sites: SiteRecord[] = [];
  const result = instrument(source, {
    filename: 'snippet.js',
    format,
    sites: {
      addSite(site: SiteRecord) {
        sites.push(site);
        return sites.length - 1;
      },
    },
    ...options,
  });
  return { code: result?.code ?? null, sites };
}

/** The injected entry, as the transform writes it, for expected outputs. */
export const enter = (kind: 'e' | 'g' | 'm', id: number, variable = '__awf') =>
  `const ${variable}=typeof __awaitwhat==="object"?__awaitwhat.${kind}(${id}):new Proxy({},{get:(_,k)=>k==="q"?0:(...a)=>a[a.length-1]});`;
