/*
 * run_pool.c - a counter, a lock and J threads.
 */
#include "run_pool.h"

#include <pthread.h>

typedef struct pool {
    size_t count, next, done;
    run_pool_job_fn job;
    run_pool_progress_fn progress;
    void *ctx;
    pthread_mutex_t lock;
} pool;

static void *worker_main(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->count)
            return NULL;
        p->job(p->ctx, i);
        if (p->progress) {
            pthread_mutex_lock(&p->lock);
            p->progress(p->ctx, ++p->done, p->count);
            pthread_mutex_unlock(&p->lock);
        }
    }
}

void run_pool(size_t count, int jobs, run_pool_job_fn job, run_pool_progress_fn progress, void *ctx)
{
    pool p = {.count = count, .job = job, .progress = progress, .ctx = ctx};
    if (jobs < 1)
        jobs = 1;
    if (jobs > RUN_POOL_MAX_JOBS)
        jobs = RUN_POOL_MAX_JOBS;
    pthread_mutex_init(&p.lock, NULL);
    pthread_t threads[RUN_POOL_MAX_JOBS];
    int started = 0;
    for (; started < jobs - 1; started++)
        if (pthread_create(&threads[started], NULL, worker_main, &p) != 0)
            break; /* fewer threads: slower, same results */
    worker_main(&p);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&p.lock);
}
