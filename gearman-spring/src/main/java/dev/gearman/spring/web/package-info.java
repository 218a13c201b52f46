/**
 * Gearman failures as HTTP responses: {@link dev.gearman.spring.web.GearmanProblemDetails} maps each kind of
 * {@link dev.gearman.GearmanException} to a status and an RFC 9457 {@code ProblemDetail};
 * {@link dev.gearman.spring.web.GearmanExceptionHandler} answers with it in Spring MVC and WebFlux applications.
 */
@NullMarked
package dev.gearman.spring.web;

import org.jspecify.annotations.NullMarked;
