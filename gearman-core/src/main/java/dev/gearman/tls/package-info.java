/**
 * What TLS on the job server's port and TLS from clients and workers have in common.
 */
@NullMarked
package dev.gearman.tls;

import org.jspecify.annotations.NullMarked;
