import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-IFCL54NP.js";import"./chunk-UR3VE4CI.js";import"./chunk-XW6WB3GR.js";export{a as listRules,b as ruleDocsUrl,d as ruleMarkdown,e as ruleTitle,c as rulesJson};
