/* bgt_jni.c: the scheduler core behind JNI, for dev.bgsim.bgt.BgtNative (see BgtNative.java).
 *
 * One native handle (a jlong) owns: the core, the registry file store (backends/host/host_store.c:
 * write temp + fsync + rename + fsync dir, in the app's files directory), a global reference to
 * the Java scheduler (WorkManagerScheduler: schedule/cancel/query of the one unique work) and one
 * global reference per defined task. Natives are bound with RegisterNatives in JNI_OnLoad, so no
 * Java_* symbol is exported and R8 only has to keep the class names (consumer-rules.pro).
 *
 * Threading: the core is not thread-safe; BgtCore.java calls every native under one lock. The
 * backend functions and task callbacks run inside a native call, on its thread, so they use the
 * JNIEnv of that call (stored in the handle for its duration) and never attach threads.
 *
 * Errors: natives return the core's codes (bgt_error.h, negative) as ints; Java maps them to
 * exceptions. A Java exception thrown by a task counts as "no result" (expo: the executor threw,
 * E4.3); one thrown by the scheduler is cleared, logged and becomes BGT_E_BACKEND. */
#include <jni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgt.h"
#include "host_store.h"

#if defined(__ANDROID__)
#include <android/log.h>
#endif

#define NATIVE_CLASS "dev/bgsim/bgt/BgtNative"

typedef struct jtask {
    char *name;
    jobject obj;               /* global ref to a dev.bgsim.bgt.BgtTask */
    struct jbgt *owner;
    struct jtask *next;
} jtask;

typedef struct jbgt {
    JNIEnv *env;               /* of the native call in progress */
    jobject scheduler;         /* global ref to a BgtNative.Scheduler */
    jmethodID m_schedule, m_cancel, m_query, m_run;
    host_store *store;
    bgt_backend store_backend; /* clock, load and save come from the file store */
    bgt *core;
    jtask *tasks;
} jbgt;

static void jlog(void *ctx, bgt_log_level level, const char *msg)
{
    (void)ctx;
#if defined(__ANDROID__)
    static const int prio[] = { ANDROID_LOG_DEBUG, ANDROID_LOG_INFO, ANDROID_LOG_WARN,
                                ANDROID_LOG_ERROR };
    __android_log_write(prio[level <= BGT_LOG_ERROR ? level : BGT_LOG_ERROR], "bgsim", msg);
#else
    fprintf(stderr, "bgsim: %d: %s\n", (int)level, msg);
#endif
}

/* A pending Java exception from a callback: log it, clear it, tell the caller. */
static bool caught(JNIEnv *env, const char *what)
{
    if (!(*env)->ExceptionCheck(env))
        return false;
    (*env)->ExceptionDescribe(env); /* to logcat / stderr */
    (*env)->ExceptionClear(env);
    jlog(NULL, BGT_LOG_ERROR, what);
    return true;
}

/* ---- backend: clock and storage from the file store, scheduling in Java ---------------------- */

static int64_t b_now(void *ctx)
{
    jbgt *j = ctx;
    return j->store_backend.now_ms(j->store_backend.ctx);
}

static int b_load(void *ctx, unsigned char **out, size_t *out_len)
{
    jbgt *j = ctx;
    return j->store_backend.load(j->store_backend.ctx, out, out_len);
}

static int b_save(void *ctx, const unsigned char *buf, size_t len)
{
    jbgt *j = ctx;
    return j->store_backend.save(j->store_backend.ctx, buf, len);
}

static int b_schedule(void *ctx, const bgt_schedule_req *req)
{
    jbgt *j = ctx;
    jint rc = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_schedule, (jlong)req->delay_ms,
                                       (jint)req->constraints,
                                       (jboolean)(req->mode == BGT_SCHEDULE_APPEND));
    return caught(j->env, "WorkManager schedule threw") ? BGT_E_BACKEND : (int)rc;
}

static int b_cancel(void *ctx)
{
    jbgt *j = ctx;
    jint rc = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_cancel);
    return caught(j->env, "WorkManager cancel threw") ? BGT_E_BACKEND : (int)rc;
}

static int b_query(void *ctx, bgt_worker_state *out)
{
    jbgt *j = ctx;
    jint st = (*j->env)->CallIntMethod(j->env, j->scheduler, j->m_query);
    if (caught(j->env, "WorkManager query threw"))
        return BGT_E_BACKEND;
    if (st < 0)
        return (int)st;
    if (st > BGT_WORKER_RUNNING)
        return BGT_E_BACKEND;
    *out = (bgt_worker_state)st;
    return BGT_OK;
}

/* ---- tasks ----------------------------------------------------------------------------------- */

static int run_task(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    jtask *t = user;
    JNIEnv *env = t->owner->env;
    jstring name;
    jint result;
    (void)duration_ms; /* real time passes on a device; nothing to model */
    if (!(name = (*env)->NewStringUTF(env, call->name))) {
        caught(env, "out of memory for a task name");
        return BGT_RESULT_NONE;
    }
    result = (*env)->CallIntMethod(env, t->obj, t->owner->m_run, name, (jlong)call->now_ms);
    (*env)->DeleteLocalRef(env, name);
    if (caught(env, "a task threw; counted as no result"))
        return BGT_RESULT_NONE;
    return (int)result;
}

/* ---- helpers --------------------------------------------------------------------------------- */

static jbgt *from_handle(JNIEnv *env, jlong handle)
{
    jbgt *j = (jbgt *)(intptr_t)handle;
    if (j)
        j->env = env;
    return j;
}

/* A Java string as a malloc'd modified-UTF-8 C string (NULL on failure or null). */
static char *dup_string(JNIEnv *env, jstring s)
{
    const char *utf;
    char *copy;
    if (!s || !(utf = (*env)->GetStringUTFChars(env, s, NULL)))
        return NULL;
    size_t n = strlen(utf) + 1;
    copy = malloc(n);
    if (copy)
        memcpy(copy, utf, n);
    (*env)->ReleaseStringUTFChars(env, s, utf);
    return copy;
}

static void free_handle(JNIEnv *env, jbgt *j)
{
    jtask *t, *next;
    bgt_free(j->core);
    host_store_free(j->store);
    for (t = j->tasks; t; t = next) {
        next = t->next;
        (*env)->DeleteGlobalRef(env, t->obj);
        free(t->name);
        free(t);
    }
    if (j->scheduler)
        (*env)->DeleteGlobalRef(env, j->scheduler);
    free(j);
}

/* ---- natives --------------------------------------------------------------------------------- */

/* long create(String registryPath, String preset, boolean triggerEnabled, Scheduler s):
 * the handle, or a negative bgt_err. */
static jlong n_create(JNIEnv *env, jclass cls, jstring jpath, jstring jpreset, jboolean trigger,
                      jobject scheduler)
{
    jbgt *j;
    char *path = NULL, *preset = NULL;
    jclass sched_cls, task_cls;
    bgt_policy pol;
    bgt_backend b;
    int rc = BGT_E_NOMEM;
    (void)cls;
    if (!jpath || !jpreset || !scheduler)
        return BGT_E_INVAL;
    if (!(j = calloc(1, sizeof *j)))
        return BGT_E_NOMEM;
    j->env = env;
    path = dup_string(env, jpath);
    preset = dup_string(env, jpreset);
    if (!path || !preset)
        goto out_fail;
    if ((rc = bgt_policy_preset(preset, BGT_PLATFORM_ANDROID, &pol)) != BGT_OK)
        goto out_fail;
    pol.trigger_enabled = trigger == JNI_TRUE;
    rc = BGT_E_BACKEND;
    if (!(sched_cls = (*env)->GetObjectClass(env, scheduler)) ||
        !(task_cls = (*env)->FindClass(env, "dev/bgsim/bgt/BgtTask")))
        goto out_fail;
    j->m_schedule = (*env)->GetMethodID(env, sched_cls, "schedule", "(JIZ)I");
    j->m_cancel = (*env)->GetMethodID(env, sched_cls, "cancel", "()I");
    j->m_query = (*env)->GetMethodID(env, sched_cls, "query", "()I");
    j->m_run = (*env)->GetMethodID(env, task_cls, "run", "(Ljava/lang/String;J)I");
    if (!j->m_schedule || !j->m_cancel || !j->m_query || !j->m_run)
        goto out_fail; /* NoSuchMethodError stays pending for Java */
    if (!(j->scheduler = (*env)->NewGlobalRef(env, scheduler)))
        goto out_fail;
    if ((rc = host_store_create(path, &j->store)) != BGT_OK)
        goto out_fail;
    j->store_backend = host_store_backend(j->store);
    b.ctx = j;
    b.now_ms = b_now;
    b.schedule = b_schedule;
    b.cancel = b_cancel;
    b.query = b_query;
    b.load = b_load;
    b.save = b_save;
    b.log = jlog;
    if ((rc = bgt_create(&b, &pol, &j->core)) != BGT_OK)
        goto out_fail;
    free(path);
    free(preset);
    return (jlong)(intptr_t)j;
out_fail:
    free(path);
    free(preset);
    free_handle(env, j);
    return rc;
}

static void n_free(JNIEnv *env, jclass cls, jlong h)
{
    jbgt *j = from_handle(env, h);
    (void)cls;
    if (j)
        free_handle(env, j);
}

static jint n_process_start(JNIEnv *env, jclass cls, jlong h, jint flags)
{
    (void)cls;
    return bgt_process_start(from_handle(env, h)->core, (unsigned)flags);
}

static jint n_foreground(JNIEnv *env, jclass cls, jlong h, jboolean fg)
{
    jbgt *j = from_handle(env, h);
    (void)cls;
    return fg ? bgt_foreground(j->core) : bgt_background(j->core);
}

static jint n_define_task(JNIEnv *env, jclass cls, jlong h, jstring jname, jobject task)
{
    jbgt *j = from_handle(env, h);
    jtask *t;
    char *name;
    int rc;
    (void)cls;
    if (!task || !(name = dup_string(env, jname)))
        return BGT_E_INVAL;
    for (t = j->tasks; t && strcmp(t->name, name) != 0; t = t->next)
        ;
    if (t) { /* redefinition: the core keeps the same user pointer; swap the Java object */
        jobject obj = (*env)->NewGlobalRef(env, task);
        free(name);
        if (!obj)
            return BGT_E_NOMEM;
        (*env)->DeleteGlobalRef(env, t->obj);
        t->obj = obj;
        return BGT_OK;
    }
    if (!(t = calloc(1, sizeof *t)) || !(t->obj = (*env)->NewGlobalRef(env, task))) {
        free(t);
        free(name);
        return BGT_E_NOMEM;
    }
    t->name = name;
    t->owner = j;
    if ((rc = bgt_define_task(j->core, name, run_task, t)) != BGT_OK) {
        (*env)->DeleteGlobalRef(env, t->obj);
        free(t->name);
        free(t);
        return rc;
    }
    t->next = j->tasks;
    j->tasks = t;
    return BGT_OK;
}

static jint n_register(JNIEnv *env, jclass cls, jlong h, jstring jname, jboolean has_interval,
                       jlong interval_min)
{
    jbgt *j = from_handle(env, h);
    bgt_task_options opts;
    char *name = dup_string(env, jname);
    int rc;
    (void)cls;
    if (!name)
        return BGT_E_INVAL;
    opts.has_minimum_interval = has_interval == JNI_TRUE;
    opts.minimum_interval_min = has_interval ? (int64_t)interval_min : 0;
    rc = bgt_register_task(j->core, name, &opts);
    free(name);
    return rc;
}

static jint n_unregister(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
    jbgt *j = from_handle(env, h);
    char *name = dup_string(env, jname);
    int rc;
    (void)cls;
    if (!name)
        return BGT_E_INVAL;
    rc = bgt_unregister_task(j->core, name);
    free(name);
    return rc;
}

static jint n_unregister_all(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    return bgt_unregister_all(from_handle(env, h)->core);
}

static jobjectArray n_registered(JNIEnv *env, jclass cls, jlong h)
{
    jbgt *j = from_handle(env, h);
    size_t i, n = bgt_task_count(j->core);
    jclass string_cls = (*env)->FindClass(env, "java/lang/String");
    jobjectArray arr;
    (void)cls;
    if (!string_cls || !(arr = (*env)->NewObjectArray(env, (jsize)n, string_cls, NULL)))
        return NULL;
    for (i = 0; i < n; i++) {
        const char *name;
        jstring s;
        if (bgt_task_at(j->core, i, &name, NULL) != BGT_OK || !(s = (*env)->NewStringUTF(env, name)))
            return NULL;
        (*env)->SetObjectArrayElement(env, arr, (jsize)i, s);
        (*env)->DeleteLocalRef(env, s);
    }
    return arr;
}

static jint n_status(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    return (jint)bgt_get_status(from_handle(env, h)->core);
}

/* int workerBegin(long h): the run kind (> 0) or a negative error; then workerEnd once. */
static jint n_worker_begin(JNIEnv *env, jclass cls, jlong h)
{
    bgt_worker_report rep;
    int rc;
    (void)cls;
    rc = bgt_worker_begin(from_handle(env, h)->core, &rep);
    return rc == BGT_OK ? (jint)rep.kind : rc;
}

/* int workerEnd(long h, boolean expired): 1 if a successor was scheduled, 0 if not, or < 0. */
static jint n_worker_end(JNIEnv *env, jclass cls, jlong h, jboolean expired)
{
    bgt_worker_report rep;
    int rc;
    (void)cls;
    memset(&rep, 0, sizeof rep);
    rc = bgt_worker_end(from_handle(env, h)->core, expired ? BGT_END_EXPIRED : BGT_END_COMPLETED,
                        &rep);
    return rc == BGT_OK ? (jint)rep.rescheduled : rc;
}

static jint n_trigger(JNIEnv *env, jclass cls, jlong h)
{
    bgt_worker_report rep;
    int rc;
    (void)cls;
    rc = bgt_trigger_for_testing(from_handle(env, h)->core, &rep);
    return rc == BGT_OK ? (jint)rep.n_run : rc;
}

static jstring n_strerror(JNIEnv *env, jclass cls, jint rc)
{
    (void)cls;
    return (*env)->NewStringUTF(env, bgt_strerror(rc));
}

#define NATIVE(name, sig, fn) { (char *)(name), (char *)(sig), (void *)(fn) }

static const JNINativeMethod natives[] = {
    NATIVE("create", "(Ljava/lang/String;Ljava/lang/String;ZLdev/bgsim/bgt/BgtNative$Scheduler;)J",
           n_create),
    NATIVE("free", "(J)V", n_free),
    NATIVE("processStart", "(JI)I", n_process_start),
    NATIVE("setForeground", "(JZ)I", n_foreground),
    NATIVE("defineTask", "(JLjava/lang/String;Ldev/bgsim/bgt/BgtTask;)I", n_define_task),
    NATIVE("register", "(JLjava/lang/String;ZJ)I", n_register),
    NATIVE("unregister", "(JLjava/lang/String;)I", n_unregister),
    NATIVE("unregisterAll", "(J)I", n_unregister_all),
    NATIVE("registeredTasks", "(J)[Ljava/lang/String;", n_registered),
    NATIVE("status", "(J)I", n_status),
    NATIVE("workerBegin", "(J)I", n_worker_begin),
    NATIVE("workerEnd", "(JZ)I", n_worker_end),
    NATIVE("trigger", "(J)I", n_trigger),
    NATIVE("strerror", "(I)Ljava/lang/String;", n_strerror),
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    jclass cls;
    (void)reserved;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK)
        return JNI_ERR;
    if (!(cls = (*env)->FindClass(env, NATIVE_CLASS)))
        return JNI_ERR;
    if ((*env)->RegisterNatives(env, cls, natives, (jint)(sizeof natives / sizeof natives[0])) != 0)
        return JNI_ERR;
    return JNI_VERSION_1_6;
}
