/*
 * rep_perfetto.h - a run as Chrome trace-event JSON (the "JSON trace format" that ui.perfetto.dev
 * and chrome://tracing open).
 *
 * One process, "device (NAME) from Mon 05 Jan 2026 07:00 local time", with these tracks (tid), in
 * this order ("thread_sort_index"), each named by a "thread_name" metadata event:
 *   12 local date    a slice per local day named "Mon 05 Jan 2026", midnight to midnight
 *   1 battery        counter track ("ph":"C", name "battery", args {"level_percent"})
 *   2 charging       "plugged in" slices ("ph":"X")
 *   10 power saving  "power saving" slices
 *   3 network        "wifi", "cellular", "none", "airplane"
 *   4 screen         "screen on"
 *   11 user asleep   "user asleep"
 *   5 doze           "doze / idle"
 *   6 app            "foreground", "background"; process deaths as instant events
 *                    ("ph":"i", "s":"t") named by cause
 *   7 worker         a slice per worker run (args: due_ms, delay_ms, kind)
 *   8 held           a slice per span the OS held a due worker back, named by reason
 *   100 + i          task i: a slice per run (args: result)
 * Slices on one track nest (states that can overlap have tracks of their own), as the format asks
 * and Perfetto expects. Every event has a category ("cat"): "__metadata", "calendar", "device",
 * "os", "app", "worker", "task".
 *
 * Time: "ts" and "dur" are integer microseconds, and ts 0 is local midnight of the start date. The
 * format has no field for the wall-clock time of a timestamp (the Trace Event Format document;
 * Perfetto's JSON importer takes ts as trace time, src/trace_processor/importers/json/
 * json_trace_tokenizer.cc, and its UI shows times from the trace's start), so the origin is put
 * where that reading is the local time: the UI's "days hh:mm:ss" from the start is the day number
 * and the local time of day, and the "local date" track names the weekday and date above every
 * instant. The top-level "metadata" dictionary (kept by Perfetto's trace processor as
 * json_metadata.KEY) says it in words: bgsim_scenario, bgsim_start_local ("2026-01-05T07:00:00.000"),
 * bgsim_start_day, bgsim_ts_origin_local (the midnight) and bgsim_ts_origin_ms_before_start.
 * Events are written one per line, metadata first, then track by track in time order.
 */
#ifndef BGSIM_REP_PERFETTO_H
#define BGSIM_REP_PERFETTO_H

#include <stdio.h>

#include "rep_record.h"

/* Writes the trace of a record with states (run_options.record_states). 0, or -1 on a write
 * error (check ferror on out). */
int rep_perfetto_write(FILE *out, const char *scenario_name, const rep_record *rec);

#endif
