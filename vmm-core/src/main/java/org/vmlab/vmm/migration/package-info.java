/**
 * Live migration by pre-copy [C. Clark, K. Fraser, S. Hand, J. G. Hansen, E. Jul, C. Limpach, I.
 * Pratt and A. Warfield, "Live Migration of Virtual Machines", NSDI 2005]: a VM's pages are copied
 * to another host in rounds while it runs, each round the pages dirtied during the one before, as
 * the memory technique's dirty log finds them ({@link org.vmlab.vmm.DirtyLog}); then the VM is
 * stopped, its last dirty pages and its state ({@link org.vmlab.vmm.VmState}) copied, and it goes
 * on at the destination. {@link org.vmlab.vmm.migration.LiveMigration} is the mechanism, {@link
 * org.vmlab.vmm.migration.PreCopyPolicy} the decision of when to stop pre-copying, {@link
 * org.vmlab.vmm.migration.MigrationReport} what happened. docs/migration.md.
 */
package org.vmlab.vmm.migration;
