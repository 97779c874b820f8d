import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import{createRequire as o}from"node:module";var t;function r(){return t??=o(import.meta.url)("node:crypto")}export{r as a};
