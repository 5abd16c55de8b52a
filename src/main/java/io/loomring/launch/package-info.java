/**
 * The launcher: {@link io.loomring.launch.Launch} runs an unchanged application's {@code main} on
 * a carried virtual thread, after putting Loomring's NIO provider and {@code java.net} socket
 * factories in place and reporting what is on and what is off.
 */
package io.loomring.launch;
