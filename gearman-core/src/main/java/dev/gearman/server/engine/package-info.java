/**
 * The job server engine: all job, function and worker state, confined to one thread (an {@link
 * dev.gearman.server.engine.EngineLoop} on a Netty event loop) so that no lock is taken on the hot path. Network
 * threads decode packets and hand them to the {@link dev.gearman.server.engine.JobEngine} facade; the engine answers
 * through each connection's {@link dev.gearman.server.engine.Session}.
 * <p>
 * Who owns what:
 * <ul>
 * <li>{@code JobRegistry}: the jobs, their unique-id reservations, and every move of their
 * {@link dev.gearman.server.engine.JobState} (checked against the allowed moves); one {@code end} for every way a
 * job ends ({@link dev.gearman.server.engine.EndReason}). Its parts: {@code StoreWrites} (their stored rows),
 * {@code WaitingJobs} (the queues and epoch schedule they wait in), {@code JobCounts}, {@code JobNumbers},
 * {@code Admissions} (new jobs, answered after the store's commit) and {@code JobRestorer} (jobs from stored
 * rows).</li>
 * <li>{@code FunctionTable} / {@code JobFunction}: the functions, each with its priority queues, its workers and
 * sleepers, its limits and its counts per state.</li>
 * <li>{@code ConnectionCommands}: the open sessions; connect, disconnect, ECHO, OPTION_REQ, SET_CLIENT_ID.</li>
 * <li>{@code WorkerAbilities}: what each worker can do (CAN_DO, CANT_DO, RESET_ABILITIES).</li>
 * <li>{@code JobDispatcher}: which job a worker gets (GRAB, PRE_SLEEP, NOOP wake-ups, CAN_DO_TIMEOUT) and what
 * happens to a job its worker let go (the retry limit).</li>
 * <li>{@code Submissions}, {@code WorkResults}, {@code StatusQueries}, {@code AdminCommands}: the commands of
 * clients, of workers about their jobs, of status queries and of the admin protocol; they decide, the registry
 * acts.</li>
 * <li>{@code Outbox}: the replies of a batch, flushed once per connection; {@code Drain}: draining for shutdown;
 * {@code CommandRouter}: which class a request goes to.</li>
 * </ul>
 */
@NullMarked
package dev.gearman.server.engine;

import org.jspecify.annotations.NullMarked;
