/* BGTCore.m: see BGTCore.h. Written for ARC (the podspec and Package.swift build it with ARC);
 * it avoids ARC-only constructs so that CI can also syntax-check it on Linux against GNUstep's
 * Foundation, where only the GCC runtime (no ARC) is available (backends/ios/CMakeLists.txt).
 *
 * Mapping of the core's backend (core/bgt_backend.h) onto BGTaskScheduler:
 *   schedule  cancel the pending request, submit a BGProcessingTaskRequest with
 *             earliestBeginDate = now + delay, requiresNetworkConnectivity = NETWORK,
 *             requiresExternalPower = CHARGING. BATTERY_NOT_LOW has no iOS equivalent (iOS defers
 *             by itself in Low Power Mode); it is logged once and otherwise ignored. An APPEND
 *             while the worker runs is submitted at once: the core calls it from worker_end, right
 *             after the tasks finished, so "relative to completion" holds.
 *   cancel    cancelTaskRequestWithIdentifier. A running launch cannot be cancelled on iOS; it
 *             finishes and, with no task left, schedules nothing.
 *   query     an in-process record (BGTaskScheduler's pending list is only asynchronous): RUNNING
 *             inside the launch handler, ENQUEUED after a submit, NONE after a cancel and at every
 *             cold launch, which is when expo re-submits (docs/SOURCES.md E3.3).
 *   load/save the registry file in Application Support/bgsim/registry.bin through
 *             backends/host/host_store.c (write temp + fsync + rename + fsync dir).
 * A launch: the worker runs synchronously on BGTaskScheduler's queue; when the expiration handler
 * fires, the run ends as BGT_END_EXPIRED and the task completes with success NO. */
#import "BGTCore.h"

#import <BackgroundTasks/BackgroundTasks.h>
#import <UIKit/UIKit.h>

#include "bgt.h"
#include "host_store.h"

#include <stdlib.h>

NSString *const BGTCoreTaskIdentifier = @"dev.bgsim.bgt.processing";
NSString *const BGTCoreErrorDomain = @"dev.bgsim.bgt";

static NSString *gPreset = @"current";
static BOOL gDebugTrigger = NO;
static BGTCore *gShared = nil;

@interface BGTCore ()
- (int)submitDelayMs:(int64_t)delayMs constraints:(unsigned)constraints;
- (int)cancelRequest;
- (bgt_worker_state)recordedState;
@end

static int b_schedule(void *ctx, const bgt_schedule_req *req)
{
    return [(__bridge BGTCore *)ctx submitDelayMs:req->delay_ms constraints:req->constraints];
}

static int b_cancel(void *ctx)
{
    return [(__bridge BGTCore *)ctx cancelRequest];
}

static int b_query(void *ctx, bgt_worker_state *out)
{
    *out = [(__bridge BGTCore *)ctx recordedState];
    return BGT_OK;
}

static void b_log(void *ctx, bgt_log_level level, const char *msg)
{
    (void)ctx;
    NSLog(@"bgsim: %d: %s", (int)level, msg);
}

/* The core's task callback: `user` is the (retained, see defineTask) block. */
static int run_block(void *user, const bgt_task_call *call, int64_t *duration_ms)
{
    BGTTaskBlock block = (__bridge BGTTaskBlock)user;
    NSString *name = [NSString stringWithUTF8String:call->name];
    (void)duration_ms;
    @try {
        return (int)block(name);
    } @catch (NSException *e) {
        NSLog(@"bgsim: task '%@' threw %@; counted as no result", name, e);
        return BGT_RESULT_NONE;
    }
}

/* The C side of a BGTCore (no object pointers, so it is legal under ARC). _lock is an
 * NSRecursiveLock; _blocks maps name -> block and keeps each block alive for the core. */
struct bgtc_state {
    host_store *store;
    bgt_backend storeBackend; /* clock, load and save come from the file store */
    bgt *core;
    volatile BOOL pending, running, expiring, warnedBatteryNotLow;
    BGTStatus refreshStatus;
};

#define ST(obj) ((struct bgtc_state *)(obj)->_state)

@implementation BGTCore

static int64_t b_now(void *ctx)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.now_ms(ST(c)->storeBackend.ctx);
}

static int b_load(void *ctx, unsigned char **out, size_t *out_len)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.load(ST(c)->storeBackend.ctx, out, out_len);
}

static int b_save(void *ctx, const unsigned char *buf, size_t len)
{
    BGTCore *c = (__bridge BGTCore *)ctx;
    return ST(c)->storeBackend.save(ST(c)->storeBackend.ctx, buf, len);
}

+ (void)configureWithPreset:(NSString *)preset debugTrigger:(BOOL)debugTrigger
{
    @synchronized(self) {
        if (gShared) {
            NSLog(@"bgsim: configureWithPreset after +shared: ignored");
            return;
        }
        gPreset = [preset copy];
        gDebugTrigger = debugTrigger;
    }
}

+ (BGTCore *)shared
{
    @synchronized(self) {
        if (!gShared)
            gShared = [[BGTCore alloc] initPrivate];
        return gShared;
    }
}

static NSString *registryPath(void)
{
    NSFileManager *fm = [NSFileManager defaultManager];
    NSArray *dirs = NSSearchPathForDirectoriesInDomains(NSApplicationSupportDirectory,
                                                        NSUserDomainMask, YES);
    NSString *dir;
    NSError *err = nil;
    if ([dirs count] == 0)
        return nil;
    dir = [[dirs objectAtIndex:0] stringByAppendingPathComponent:@"bgsim"];
    if (![fm createDirectoryAtPath:dir withIntermediateDirectories:YES attributes:nil error:&err]) {
        NSLog(@"bgsim: cannot create %@: %@", dir, err);
        return nil;
    }
    return [dir stringByAppendingPathComponent:@"registry.bin"];
}

static BGTStatus readRefreshStatus(void)
{
    return [[UIApplication sharedApplication] backgroundRefreshStatus] ==
                   UIBackgroundRefreshStatusAvailable
               ? BGTStatusAvailable
               : BGTStatusRestricted;
}

- (instancetype)initPrivate
{
    NSString *path = registryPath();
    bgt_policy pol;
    bgt_backend b;
    int rc;
    if (!(self = [super init]))
        return nil;
    if (!(_state = calloc(1, sizeof(struct bgtc_state))))
        return nil;
    _lock = [[NSRecursiveLock alloc] init];
    _blocks = [[NSMutableDictionary alloc] init];
    ST(self)->refreshStatus = [NSThread isMainThread] ? readRefreshStatus() : BGTStatusAvailable;
    if (!path || bgt_policy_preset([gPreset UTF8String], BGT_PLATFORM_IOS, &pol) != BGT_OK ||
        host_store_create([path fileSystemRepresentation], &ST(self)->store) != BGT_OK) {
        NSLog(@"bgsim: cannot create the core (preset '%@', registry %@)", gPreset, path);
        return nil;
    }
    pol.trigger_enabled = gDebugTrigger;
    /* expo's getStatusAsync / registerTaskAsync refuse when the OS refuses (E1.1). */
    if (ST(self)->refreshStatus == BGTStatusRestricted)
        pol.restricted = true;
    ST(self)->storeBackend = host_store_backend(ST(self)->store);
    b.ctx = (__bridge void *)self; /* the core never outlives self (dealloc frees it) */
    b.now_ms = b_now;
    b.schedule = b_schedule;
    b.cancel = b_cancel;
    b.query = b_query;
    b.load = b_load;
    b.save = b_save;
    b.log = b_log;
    if (bgt_create(&b, &pol, &ST(self)->core) != BGT_OK) {
        host_store_free(ST(self)->store);
        ST(self)->store = NULL;
        return nil;
    }
    /* A corrupt registry must not stop the app: start empty (logged by the core). */
    if ((rc = bgt_process_start(ST(self)->core, BGT_START_DISCARD_CORRUPT)) != BGT_OK)
        NSLog(@"bgsim: restore failed: %s", bgt_strerror(rc));
    return self;
}

- (void)dealloc
{
    if (_state) {
        bgt_free(ST(self)->core);
        host_store_free(ST(self)->store);
        free(_state);
    }
#if !__has_feature(objc_arc)
    [_lock release];
    [_blocks release];
    [super dealloc];
#endif
}

static NSError *coreError(int rc)
{
    NSDictionary *info = [NSDictionary
        dictionaryWithObject:[NSString stringWithUTF8String:bgt_strerror(rc)]
                      forKey:NSLocalizedDescriptionKey];
    return [NSError errorWithDomain:BGTCoreErrorDomain code:rc userInfo:info];
}

static BOOL ok(int rc, NSError **error)
{
    if (rc == BGT_OK)
        return YES;
    if (error)
        *error = coreError(rc);
    return NO;
}

- (BOOL)registerLaunchHandler
{
    BGTCore *core = self;
    return [[BGTaskScheduler sharedScheduler]
        registerForTaskWithIdentifier:BGTCoreTaskIdentifier
                           usingQueue:nil
                        launchHandler:^(BGTask *task) {
                            [core handleTask:task];
                        }];
}

- (void)markExpiring
{
    ST(self)->expiring = YES; /* read by the worker thread; a BOOL store is atomic enough for a flag */
}

- (void)handleTask:(BGTask *)task
{
    BGTCore *core = self;
    bgt_worker_report rep;
    BOOL expired;
    int rc;
    ST(self)->expiring = NO;
    task.expirationHandler = ^{
        [core markExpiring];
    };
    [_lock lock];
    ST(self)->running = YES;
    ST(self)->pending = NO;
    rc = bgt_worker_begin(ST(self)->core, &rep);
    expired = ST(self)->expiring;
    if (rc == BGT_OK)
        rc = bgt_worker_end(ST(self)->core, ST(self)->expiring ? BGT_END_EXPIRED : BGT_END_COMPLETED, &rep);
    ST(self)->running = NO;
    [_lock unlock];
    if (rc != BGT_OK)
        NSLog(@"bgsim: worker run failed: %s", bgt_strerror(rc));
    [task setTaskCompletedWithSuccess:(rc == BGT_OK && !expired)];
}

- (int)submitDelayMs:(int64_t)delayMs constraints:(unsigned)constraints
{
    BGTaskScheduler *scheduler = [BGTaskScheduler sharedScheduler];
    BGProcessingTaskRequest *req;
    NSError *err = nil;
    if ((constraints & BGT_CONSTRAINT_BATTERY_NOT_LOW) && !ST(self)->warnedBatteryNotLow) {
        ST(self)->warnedBatteryNotLow = YES;
        NSLog(@"bgsim: battery-not-low has no BGProcessingTaskRequest equivalent; left to iOS");
    }
    [scheduler cancelTaskRequestWithIdentifier:BGTCoreTaskIdentifier];
    req = [[BGProcessingTaskRequest alloc] initWithIdentifier:BGTCoreTaskIdentifier];
#if !__has_feature(objc_arc)
    [req autorelease];
#endif
    req.earliestBeginDate = [NSDate dateWithTimeIntervalSinceNow:(double)delayMs / 1000.0];
    req.requiresNetworkConnectivity = (constraints & BGT_CONSTRAINT_NETWORK) != 0;
    req.requiresExternalPower = (constraints & BGT_CONSTRAINT_CHARGING) != 0;
    if (![scheduler submitTaskRequest:req error:&err]) {
        /* BGTaskSchedulerErrorCodeNotPermitted: identifier missing from Info.plist. */
        NSLog(@"bgsim: submitTaskRequest failed: %@", err);
        ST(self)->pending = NO;
        return BGT_E_BACKEND;
    }
    ST(self)->pending = YES;
    return BGT_OK;
}

- (int)cancelRequest
{
    [[BGTaskScheduler sharedScheduler] cancelTaskRequestWithIdentifier:BGTCoreTaskIdentifier];
    ST(self)->pending = NO;
    return BGT_OK;
}

- (bgt_worker_state)recordedState
{
    if (ST(self)->running)
        return BGT_WORKER_RUNNING;
    return ST(self)->pending ? BGT_WORKER_ENQUEUED : BGT_WORKER_NONE;
}

- (BOOL)defineTask:(NSString *)name block:(BGTTaskBlock)block
{
    BGTTaskBlock copy = [block copy];
    int rc;
    [_lock lock];
    [_blocks setObject:copy forKey:name]; /* keeps it alive while the core holds its pointer */
    rc = bgt_define_task(ST(self)->core, [name UTF8String], run_block, (__bridge void *)copy);
    [_lock unlock];
#if !__has_feature(objc_arc)
    [copy release];
#endif
    return rc == BGT_OK;
}

- (BOOL)registerTask:(NSString *)name minimumInterval:(NSNumber *)minutes error:(NSError **)error
{
    bgt_task_options opts;
    int rc;
    opts.has_minimum_interval = minutes != nil;
    opts.minimum_interval_min = minutes ? [minutes longLongValue] : 0;
    [_lock lock];
    rc = bgt_register_task(ST(self)->core, [name UTF8String], &opts);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)unregisterTask:(NSString *)name error:(NSError **)error
{
    int rc;
    [_lock lock];
    rc = bgt_unregister_task(ST(self)->core, [name UTF8String]);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)unregisterAllTasks:(NSError **)error
{
    int rc;
    [_lock lock];
    rc = bgt_unregister_all(ST(self)->core);
    [_lock unlock];
    return ok(rc, error);
}

- (BOOL)isRegistered:(NSString *)name
{
    int r;
    [_lock lock];
    r = bgt_is_registered(ST(self)->core, [name UTF8String]);
    [_lock unlock];
    return r == 1;
}

- (NSArray *)registeredTasks
{
    NSMutableArray *names = [NSMutableArray array];
    size_t i, n;
    [_lock lock];
    n = bgt_task_count(ST(self)->core);
    for (i = 0; i < n; i++) {
        const char *name;
        if (bgt_task_at(ST(self)->core, i, &name, NULL) == BGT_OK)
            [names addObject:[NSString stringWithUTF8String:name]];
    }
    [_lock unlock];
    return names;
}

- (BGTStatus)status
{
    BGTStatus s;
    if ([NSThread isMainThread])
        ST(self)->refreshStatus = readRefreshStatus();
    [_lock lock];
    s = bgt_get_status(ST(self)->core) == BGT_STATUS_RESTRICTED ? BGTStatusRestricted : ST(self)->refreshStatus;
    [_lock unlock];
    return s;
}

- (BOOL)isExpiring
{
    return ST(self)->expiring;
}

- (NSInteger)triggerForTesting:(NSError **)error
{
    bgt_worker_report rep;
    int rc;
    [_lock lock];
    rc = bgt_trigger_for_testing(ST(self)->core, &rep);
    [_lock unlock];
    return ok(rc, error) ? (NSInteger)rep.n_run : -1;
}

@end
