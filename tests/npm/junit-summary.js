// junit-summary.js FILE.xml - reads a JUnit report with test-results-parser (the parser behind
// testbeats' CI dashboards) and prints what a dashboard would show, one fact a line:
//   total N / passed N / failed N / errors N / skipped N
//   case SUITE NAME STATUS
// Used by tests/cli/junit_npm.sh; exits 2 when the parser refuses the file.
'use strict';
const { parse } = require('test-results-parser');

let result;
try {
  result = parse({ type: 'junit', files: [process.argv[2]] });
} catch (e) {
  console.error(`junit-summary: the parser refused ${process.argv[2]}: ${e.message}`);
  process.exit(2);
}
for (const k of ['total', 'passed', 'failed', 'errors', 'skipped']) console.log(`${k} ${result[k]}`);
for (const s of result.suites) for (const c of s.cases) console.log(`case ${s.name} ${c.name} ${c.status}`);
