/*
 * Least privilege, the way OpenBSD's daemons and OpenSSH do it: a guard
 * started as root binds its listeners and loads its keys, certificates
 * and CA bundle while it is root, then confines itself to an empty
 * directory (chroot) and becomes an unprivileged user for good, before
 * it reads a byte from the network. priv_plan decides from the site file
 * (and checks, so that `xedge -t` finds the mistakes); priv_drop acts.
 */
#ifndef XEDGE_PRIV_H
#define XEDGE_PRIV_H

#include <sys/types.h>

#include "policy_types.h"
#include "site.h"

/* Whom a guard started as root becomes when the site file names no user:
 * PRIV_USER, or PRIV_USER_FALLBACK on a system without PRIV_USER. */
#define PRIV_USER "_xedge"
#define PRIV_USER_FALLBACK "nobody"
/* Where it confines itself when the site file names no directory. */
#define PRIV_CHROOT "/var/empty"

/* LeakSanitizer reads /proc when the process exits, which a chroot hides:
 * priv_drop in an AddressSanitizer build plans but skips the chroot, and
 * says why in its log. */
#if defined(__SANITIZE_ADDRESS__)
#define PRIV_SANITIZER_NEEDS_PROC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRIV_SANITIZER_NEEDS_PROC 1
#endif
#endif

/* What priv_drop does. The strings are the site's or constants: nothing
 * to free. */
struct priv_plan {
	const char *user;	/* NULL: the user the guard started as */
	uid_t uid;		/* the user's, when set_ids */
	gid_t gid;
	int set_ids;		/* 1: become uid and gid, without groups */
	int stay_root;		/* started as root and told to stay root */
	const char *chroot_dir;	/* NULL: none, because of no_chroot */
	const char *no_chroot;	/* a word for the log */
};

/*
 * Why the guard reads from the file system after its start, as a word
 * for the log ("syslog": the syslog socket is reconnected by its path;
 * "resolv-conf": peers found by DNS ask the system's name servers), or
 * NULL when it reads nothing there. A chroot to an empty directory would
 * break what this names, so the default chroot is skipped for it.
 */
const char *priv_fs_need(const struct site *s, const struct gen_policy *p);

/*
 * Decides into PP what a guard started with effective uid EUID drops,
 * from the site S and the policy P. Started as root: it becomes S's user
 * (default PRIV_USER, else PRIV_USER_FALLBACK), which must not be root,
 * unless S says run-as-root yes. Started as another user: it stays that
 * user, and a user named in S must be that one. It chroots to S's
 * directory if S names one, else to PRIV_CHROOT when started as root
 * and priv_fs_need finds nothing; the directory must be root's and
 * writable by no one else. Returns 0, or -1 after logging what is wrong.
 */
int priv_plan(struct priv_plan *pp, const struct site *s,
    const struct gen_policy *p, uid_t euid);

/*
 * Does what PP says: chroot, then drop the supplementary groups, the
 * group and the user, then checks that none of them can be taken back.
 * Logs the outcome (event=privileges). Returns 0, or -1 after logging;
 * the process must then exit, its privileges in an unknown state.
 */
int priv_drop(const struct priv_plan *pp);

#endif
