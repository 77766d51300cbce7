/*
 * pleg.pml — kubelet's PLEG relist, its eventChannel and syncLoop's health gate, in Promela,
 * for SPIN: a second, independent model of the system pleg-spec's explicit checker searches,
 * written from the same kubelet facts (docs/model.md) and none of the Rust code. It exists so
 * that `bash ci/spin-compare.sh` can put SPIN and the explicit checker side by side on the same
 * cells — states, seconds, memory and verdicts — and show that the verdicts agree.
 *
 * What it models (kubelet 1.12, pkg/kubelet/pleg/generic.go and pkg/kubelet/kubelet.go):
 *   relist     — R relists; each notes its start time (updateRelistTime), then visits every pod
 *                that changed, in any order (Go randomises map iteration), writing podRecords
 *                and sending the pod's event into eventChannel: a blocking send (1.12,
 *                DROP 0) or select/default that discards the event when the channel is full
 *                (the fix of PR #72709, kubelet 1.14; DROP 1).
 *   syncLoop   — waits at the health gate while PLEG is unhealthy (relist has not started for
 *                more than relistThreshold), then receives one event and syncs the pod; it
 *                stops once relist is done and the channel is empty.
 *   clock      — ticks T + 1 times: one tick stands for relistThreshold (3 minutes in kubelet),
 *                so "not started for more than T ticks" is the unhealthy PLEG.
 *   judge      — at a clean end (both done, the clock run out) every pod must be synced at its
 *                latest version unless its record lags (the next relist re-sends it) or the
 *                periodic resync (RESYNC 1) repairs it.
 * Pods change in lockstep with the relists (every pod changes before each relist), the
 * pleg-spec option `--timing lockstep`.
 *
 * Verdicts, as SPIN reports them: an invalid end state is a stall (with DROP 0 and a full
 * channel, the circular wait of kubernetes#72482); an assertion violation is a lost update;
 * no error is "holds".
 *
 * Parameters (spin -D...): C capacity, P pods, R relists, T relistThreshold in ticks,
 * DROP 0|1, RESYNC 0|1.
 */

#ifndef C
#define C 1
#endif
#ifndef P
#define P 2
#endif
#ifndef R
#define R 1
#endif
#ifndef T
#define T 0
#endif
#ifndef DROP
#define DROP 0
#endif
#ifndef RESYNC
#define RESYNC 1
#endif

chan eventChannel = [C] of { short };    /* pod ids: kubelet's sizes pass 255 */
byte records[P];          /* podRecords: the version each pod was last compared at */
byte cache[P];            /* the version relist last listed */
byte synced[P];           /* the version syncLoop last synced */
byte now;                 /* the clock, 0 .. T + 1 */
short relistTime = -1;    /* when the current relist started; -1: never */
bool relistDone;
bool syncLoopDone;

#define healthy (relistDone || (relistTime >= 0 && now - relistTime <= T))

active proctype clock() {
    do
    :: now < T + 1 -> now++
    :: else -> break
    od
}

active proctype relist() {
    byte r = 1;
    short left;           /* pods this relist has yet to visit */
    short k;
    short p;
    bool visited[P];
    do
    :: r <= R ->
        relistTime = now;
        left = P;
        for (p : 0 .. P - 1) { visited[p] = false }
        do
        :: left > 0 ->
            atomic {
                /* Go's map order: any pod not yet visited is next — the k-th of those left */
                k = 0;
                do
                :: k < left - 1 -> k++
                :: break
                od;
                p = 0;
                do
                :: visited[p] -> p++
                :: !visited[p] && k > 0 -> k--; p++
                :: !visited[p] && k == 0 -> break
                od;
                visited[p] = true;
                left--;
                cache[p] = r;
                records[p] = r;
#if DROP
                if
                :: nfull(eventChannel) -> eventChannel ! p
                :: full(eventChannel) -> skip    /* discarded: podRecords already moved on */
                fi
#else
                eventChannel ! p    /* blocks while the channel is full */
#endif
            }
        :: else -> break
        od;
        r++
    :: else -> break
    od;
    relistDone = true
}

active proctype syncLoop() {
    short p;
    do
    :: healthy ->    /* the gate: skip the iteration while PLEG is unhealthy */
        if
        :: atomic { eventChannel ? p -> synced[p] = cache[p] }
        :: atomic { empty(eventChannel) && relistDone -> break }
        fi
    od;
    syncLoopDone = true
}

active proctype judge() {
    short p;
end: (relistDone && syncLoopDone && now == T + 1);
    for (p : 0 .. P - 1) {
        assert(RESYNC || records[p] != cache[p] || synced[p] == cache[p])
    }
}
