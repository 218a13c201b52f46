/**
 * Micrometer observations of Gearman client calls, background submissions, status queries and worker executions,
 * so that Spring Boot's metrics and tracing handlers make timers and spans of them, and the trace context that
 * travels from a caller to the worker in the job's unique id.
 */
@NullMarked
package dev.gearman.spring.observation;

import org.jspecify.annotations.NullMarked;
