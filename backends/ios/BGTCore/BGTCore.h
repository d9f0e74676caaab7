/* BGTCore.h: the bgsim scheduler core on iOS, over BGTaskScheduler (BGProcessingTaskRequest).
 *
 * In application:didFinishLaunchingWithOptions: (before it returns, as Apple requires):
 *
 *     [BGTCore configureWithPreset:@"current" debugTrigger:DEBUG_FLAG];   // optional
 *     BGTCore *core = BGTCore.shared;                 // restores the registry
 *     [core defineTask:@"sync" block:^BGTResult(NSString *name) { return BGTResultSuccess; }];
 *     [core registerLaunchHandler];
 *     [core registerTask:@"sync" minimumInterval:@(720) error:NULL];   // once, or every launch
 *
 * Info.plist: UIBackgroundModes must contain "processing" and BGTaskSchedulerPermittedIdentifiers
 * must contain BGTCoreTaskIdentifier ("dev.bgsim.bgt.processing").
 *
 * Threading: every method may be called from any thread (one recursive lock around the core).
 * Task blocks run on BGTaskScheduler's background queue, inside that lock, and may call only the
 * read-only methods (isRegistered:, registeredTasks, status, isExpiring). */
#import <Foundation/Foundation.h>

typedef NS_ENUM(NSInteger, BGTStatus) {
    BGTStatusRestricted = 1,
    BGTStatusAvailable = 2
};

typedef NS_ENUM(NSInteger, BGTResult) {
    BGTResultNone = 0,
    BGTResultSuccess = 1,
    BGTResultFailed = 2
};

/* A task body: do the work synchronously (wait for async work inside) and return its result.
 * Poll -[BGTCore isExpiring] in long work and return early when it turns YES. */
typedef BGTResult (^BGTTaskBlock)(NSString *name);

FOUNDATION_EXPORT NSString *const BGTCoreTaskIdentifier;
/* NSError domain; codes are the core's bgt_err values (core/bgt_error.h). */
FOUNDATION_EXPORT NSString *const BGTCoreErrorDomain;

@interface BGTCore : NSObject {
@private
    /* Implementation details. Declared here rather than in the @implementation so that the file
     * also compiles for the fragile GCC runtime that CI's syntax check uses. */
    id _lock;
    id _blocks;
    void *_state;
}

/* Policy preset ("current" or "sdk52", core/bgt_policy.h) and whether triggerForTesting works.
 * Call before the first +shared; later calls are ignored (logged). */
+ (void)configureWithPreset:(NSString *)preset debugTrigger:(BOOL)debugTrigger;
/* The process's core, created and started (registry restored from Application Support) on first
 * use; nil if it cannot be created (logged). Create it on the main thread the first time: it
 * reads UIApplication.backgroundRefreshStatus. */
+ (BGTCore *)shared;

/* Register the BGTaskScheduler launch handler for BGTCoreTaskIdentifier. */
- (BOOL)registerLaunchHandler;

- (BOOL)defineTask:(NSString *)name block:(BGTTaskBlock)block;
/* minimumInterval in minutes, or nil for none. */
- (BOOL)registerTask:(NSString *)name minimumInterval:(NSNumber *)minutes error:(NSError **)error;
- (BOOL)unregisterTask:(NSString *)name error:(NSError **)error;
- (BOOL)unregisterAllTasks:(NSError **)error;
- (BOOL)isRegistered:(NSString *)name;
- (NSArray *)registeredTasks;
/* Restricted when Background App Refresh is off or restricted for the app (read at creation, and
 * again on each call made on the main thread), or under the policy's restricted switch. */
- (BGTStatus)status;
/* YES while the running worker's expiration handler has fired. */
- (BOOL)isExpiring;
/* Runs the worker logic now (debug only); the number of tasks run, or -1 with *error. */
- (NSInteger)triggerForTesting:(NSError **)error;

@end
