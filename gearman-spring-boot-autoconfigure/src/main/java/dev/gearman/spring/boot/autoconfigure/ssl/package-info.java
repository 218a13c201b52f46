/**
 * TLS for the Gearman port and for clients and workers, from Spring Boot SSL bundles.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.ssl;

import org.jspecify.annotations.NullMarked;
