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
 * must contain the identifier (BGTCoreTaskIdentifier, expo's
 * "com.expo.modules.backgroundtask.processing", unless configured otherwise).
 *
 * Threading: every method may be called from any thread. One lock guards the core, held only for
 * the core call itself (milliseconds): task blocks never run inside it (issue 22, 1), so a main
 * thread call never waits for a running task. The tasks of one launch run in parallel, each on a
 * thread of its own, and the launch completes when all returned (expo's EXTaskService runTasks
 * completion, BackgroundTaskAppDelegate.swift). Task blocks may call any method. */
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
 * Runs on a background thread, alongside the other tasks of the launch. Poll -[BGTCore
 * isExpiring] in long work and return early when it turns YES: the launch has then already been
 * completed (failed) and a later result is dropped. */
typedef BGTResult (^BGTTaskBlock)(NSString *name);

/* A listener for expired launches (expo's addExpirationListener): called once per expired launch,
 * on the thread of the expiration handler, before the BGTask is completed; keep it short. */
typedef void (^BGTExpirationListener)(void);

/* The default BGTaskScheduler identifier: expo's (BackgroundTaskConstants.swift
 * BackgroundWorkerIdentifier), so an app switching from expo keeps its Info.plist entry and the
 * request iOS already holds. */
FOUNDATION_EXPORT NSString *const BGTCoreTaskIdentifier;
/* NSError domain; codes are the core's bgt_err values (core/bgt_error.h). */
FOUNDATION_EXPORT NSString *const BGTCoreErrorDomain;

@interface BGTCore : NSObject {
@private
    /* Implementation details. Declared here rather than in the @implementation so that the file
     * also compiles for the fragile GCC runtime that CI's syntax check uses. */
    id _lock;
    id _blocks;
    id _listeners;
    id _started;
    id _run;
    void *_state;
}

/* Policy preset ("current" or "sdk52", core/bgt_policy.h) and whether triggerForTesting works.
 * Call before the first +shared; later calls are ignored (logged). */
+ (void)configureWithPreset:(NSString *)preset debugTrigger:(BOOL)debugTrigger;
/* As above, with the BGTaskScheduler identifier (nil: BGTCoreTaskIdentifier). */
+ (void)configureWithPreset:(NSString *)preset
               debugTrigger:(BOOL)debugTrigger
                 identifier:(NSString *)identifier;
/* The identifier in use. */
+ (NSString *)taskIdentifier;
/* The process's core, created and started (registry restored from Application Support) on first
 * use; nil if it cannot be created (logged). Create it on the main thread the first time: it
 * reads UIApplication.backgroundRefreshStatus. */
+ (BGTCore *)shared;

/* Register the BGTaskScheduler launch handler for +taskIdentifier. */
- (BOOL)registerLaunchHandler;

- (BOOL)defineTask:(NSString *)name block:(BGTTaskBlock)block;
/* minimumInterval in minutes, or nil for none. */
- (BOOL)registerTask:(NSString *)name minimumInterval:(NSNumber *)minutes error:(NSError **)error;
- (BOOL)unregisterTask:(NSString *)name error:(NSError **)error;
- (BOOL)unregisterAllTasks:(NSError **)error;
- (BOOL)isRegistered:(NSString *)name;
- (NSArray *)registeredTasks;
/* As expo's getStatusAsync (BackgroundTaskModule.swift): Available on a device, whatever the
 * Background App Refresh setting (a submit then fails and is logged, as in expo); Restricted only
 * under the policy's restricted switch (expo: the simulator). */
- (BGTStatus)status;
/* The Background App Refresh setting, separately: a UIBackgroundRefreshStatus value
 * (0 restricted, 1 denied, 2 available). Call on the main thread (UIKit). */
- (NSInteger)backgroundRefreshStatus;
/* YES once the expiration handler of the launch in progress (or the last one) has fired. */
- (BOOL)isExpiring;
/* Add an expiration listener; returns the token that removes it (as expo's EventSubscription). */
- (id)addExpirationListener:(BGTExpirationListener)listener;
- (void)removeExpirationListener:(id)token;
/* Starts the worker logic now (debug only) and returns at once with the number of tasks started
 * (they finish in the background), or -1 with *error. */
- (NSInteger)triggerForTesting:(NSError **)error;

@end
