// Reads {"cases": [{"body", "tags"}]} as JSON on stdin, loads static/js/counter.js and
// prints [{"counted_length", "distinct", "carries_tag"}] for each case on stdout.
"use strict";

const path = require("path");
const counter = require(path.resolve(__dirname, "..", "..", "static", "js", "counter.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
});
process.stdin.on("end", () => {
  const { cases } = JSON.parse(input);
  const out = cases.map(({ body, tags }) => ({
    counted_length: counter.countedLength(body, tags),
    distinct: counter.distinctCount(body, tags),
    carries_tag: counter.carriesTag(body, tags),
    hashtags: counter.hashtags(body),
  }));
  process.stdout.write(JSON.stringify(out));
});
