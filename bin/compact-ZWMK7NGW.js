import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{b as r,d as o,h as a,j as m}from"./chunk-HKCDT3J5.js";import"./chunk-OQ3HYGLV.js";import"./chunk-XW6WB3GR.js";function l(e){let s=e.findings.map(i=>{let{finding:n}=i,t=m(i),u=o(n);return r(`${t.file}:${t.line}:${t.column}: ${n.severity}: ${u} [${n.ruleId}]`)}),{counts:c,scanned:p}=a(e.summary);return[...s,...s.length>0?[""]:[],`${c} in ${p}`].join(`
`)+`
`}export{l as formatCompact};
