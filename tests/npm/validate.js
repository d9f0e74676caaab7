// validate.js SCHEMA.json FILE... - validates each FILE (YAML, read as YAML 1.2 like
// yaml-language-server does, or JSON) against SCHEMA with Ajv, a JSON Schema validator independent
// of bgsim. Prints "FILE: ok" or "FILE: invalid" followed by Ajv's errors; exits 1 when a file is
// invalid, 2 when the schema itself does not compile or a file cannot be read as YAML/JSON.
'use strict';
const fs = require('fs');
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaPath, ...files] = process.argv.slice(2);
// strictTypes off: bgsim's scenario schema leaves "type" out of mappings on purpose (a parser may
// take a scalar in the same place: sch_rec.h); every other strict check stays on.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
} catch (e) {
  console.error(`validate.js: the schema ${schemaPath} does not compile: ${e.message}`);
  process.exit(2);
}
let status = 0;
for (const file of files) {
  let data;
  try {
    const text = fs.readFileSync(file, 'utf8');
    data = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    status = Math.max(status, 2);
    console.log(`${file}: unreadable: ${e.message.split('\n')[0]}`);
    continue;
  }
  if (validate(data)) {
    console.log(`${file}: ok`);
  } else {
    status = 1;
    console.log(`${file}: invalid`);
    for (const err of validate.errors) console.log(`  ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
  }
}
process.exit(status);
