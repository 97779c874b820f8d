import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
var c="\0probe-lint items\0";function f(t){return t>0?[c]:[]}function*y(t,i,u){let n=JSON.stringify(t,null,2)+`
`,r=JSON.stringify(c),e=n.indexOf(r);if(e===-1){yield n;return}let l=n.lastIndexOf(`
`,e)+1,o=n.slice(l,e);yield n.slice(0,l);for(let[s,d]of i.entries()){let a=JSON.stringify(u(d,s),null,2).replace(/\n/g,`
${o}`);yield`${o}${a}${s<i.length-1?",":""}
`}yield n.slice(e+r.length+1)}export{f as a,y as b};
