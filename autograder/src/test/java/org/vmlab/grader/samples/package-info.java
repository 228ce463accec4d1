/**
 * Sample submissions for the grader's own tests: graded test classes that behave, and ones that
 * misbehave the way student code does (loops, {@code System.exit}, stack overflow, running out
 * of memory, endless output, threads left running, snooping for what it should not read). Their
 * names do not end in "Test", so Surefire does not run them; the grader's tests run them through
 * a forked JVM.
 */
package org.vmlab.grader.samples;
