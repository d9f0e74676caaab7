# tasks-scenario.sh - sourced by tools/bench-instructions.sh and tools/bench-cpu.sh (one home for
# the workload both measure).
#
# bench_tasks_scenario N DIR: writes DIR/tasksN.yaml, one day on the ideal platform with N tasks
# every 15 minutes (issue 24: the cost per device going from 100 to 1,000 tasks should be linear),
# and prints its path.
bench_tasks_scenario() {
    _f="$2/tasks$1.yaml"
    {
        printf 'bgsim: 1\nname: tasks%s\nplatform: ideal\nseed: 42\nstart: 2026-01-05T07:00\nduration: 1d\n' "$1"
        printf 'app:\n  library: expo-background-task\n  policy: current\n  first_open: 0s\n  foreground_for: 5m\n  tasks:\n'
        _i=1
        while [ "$_i" -le "$1" ]; do
            printf '    - { name: t%s, minimum_interval: 15m, register_at: 10s, work: { duration: { uniform: [1s, 3s] } } }\n' "$_i"
            _i=$((_i + 1))
        done
    } >"$_f"
    echo "$_f"
}
