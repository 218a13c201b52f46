/**
 * Auto-configuration of the job server's store for background jobs ({@code gearman.server.store.*}).
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.store;

import org.jspecify.annotations.NullMarked;
