/**
 * Gearman for Java: the root of its exceptions. The protocol codec, the job server, the client and the worker
 * live in the sub-packages.
 */
@NullMarked
package dev.gearman;

import org.jspecify.annotations.NullMarked;
