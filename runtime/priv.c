/*
 * Dropping privileges after the start (see priv.h). The order is the
 * classic one: look the user up while the system's user database is
 * reachable, chroot while still allowed to, then groups before the user
 * (once the user is dropped, the groups can no longer be changed).
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

const char *
priv_fs_need(const struct site *s, const struct gen_policy *p)
{
	size_t i;

	/* glibc's syslog() reconnects to /dev/log by its path after the
	 * syslog daemon restarts. */
	if (s->use_syslog)
		return "syslog";
	/* res_ninit reads /etc/resolv.conf at each lookup; a name server
	 * named in the site replaces what it finds there, or its absence. */
	if (s->dns_server == NULL)
		for (i = 0; i < p->npeers && i < s->npeers; i++)
			if (p->peers[i].connect == GEN_CONNECT_SRV &&
			    s->peers[i].host == NULL)
				return "resolv-conf";
	return NULL;
}

/* Logs that the privileges cannot be dropped as the site file asks. */
static int
priv_refuse(const char *what, const char *value, const char *reason)
{
	log_event(LOG_LVL_ERR, 0, "privileges-failed", "%s=%s reason=\"%s\"",
	    what, value, reason);
	return -1;
}

/*
 * Checks that DIR may serve as a chroot: a directory of root's that no
 * one else can write to, so that the user the guard becomes cannot plant
 * anything in it. Returns 0, or -1 after logging.
 */
static int
priv_check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		log_errno(LOG_LVL_ERR, 0, "privileges-failed", "chroot=%s "
		    "reason=\"make it (mkdir -m 755) or name another in the "
		    "site file (chroot DIR)\"", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return priv_refuse("chroot", dir, "not a directory");
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return priv_refuse("chroot", dir,
		    "not owned by root or writable by others");
	return 0;
}

/* Sets PP's chroot directory, or why there is none. */
static void
priv_plan_chroot(struct priv_plan *pp, const struct site *s,
    const struct gen_policy *p, uid_t euid)
{
	/* A directory the site names is the operator's promise that it
	 * holds what the guard reads (dev/log, etc/resolv.conf). */
	if (s->chroot_dir != NULL)
		pp->chroot_dir = s->chroot_dir;
	else if (euid != 0)
		pp->no_chroot = "not-root";
	else if ((pp->no_chroot = priv_fs_need(s, p)) == NULL)
		pp->chroot_dir = PRIV_CHROOT;
}

/* Sets PP's user when started as root: the site's, or the default. */
static int
priv_plan_user(struct priv_plan *pp, const struct site *s)
{
	const struct passwd *pw;

	pp->user = s->user;
	if (pp->user == NULL)
		pp->user = getpwnam(PRIV_USER) != NULL ? PRIV_USER :
		    PRIV_USER_FALLBACK;
	pw = getpwnam(pp->user);
	if (pw == NULL)
		return priv_refuse("user", pp->user, "no such user");
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return priv_refuse("user", pp->user, "uid or gid 0 is root: "
		    "to stay root, say run-as-root yes");
	pp->uid = pw->pw_uid;
	pp->gid = pw->pw_gid;
	pp->set_ids = 1;
	return 0;
}

/* Checks that a guard started as EUID, not root, is the site's user. */
static int
priv_plan_unprivileged(struct priv_plan *pp, const struct site *s,
    uid_t euid)
{
	const struct passwd *pw;

	if (s->user == NULL)
		return 0;
	pw = getpwnam(s->user);
	if (pw == NULL)
		return priv_refuse("user", s->user, "no such user");
	if (pw->pw_uid != euid)
		return priv_refuse("user", s->user, "started neither as root "
		    "nor as this user");
	pp->user = s->user;
	return 0;
}

int
priv_plan(struct priv_plan *pp, const struct site *s,
    const struct gen_policy *p, uid_t euid)
{
	memset(pp, 0, sizeof(*pp));
	if (euid != 0) {
		if (priv_plan_unprivileged(pp, s, euid) == -1)
			return -1;
	} else if (s->run_as_root) {
		pp->user = "root";
		pp->stay_root = 1;
	} else if (priv_plan_user(pp, s) == -1) {
		return -1;
	}
	priv_plan_chroot(pp, s, p, euid);
	if (pp->chroot_dir != NULL && priv_check_dir(pp->chroot_dir) == -1)
		return -1;
	return 0;
}

/*
 * Checks that the process is UID and GID in every one of its ids, holds
 * no supplementary group, and cannot become root again. Returns NULL, or
 * what is still held.
 */
static const char *
priv_kept(uid_t uid, gid_t gid)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid, root_gid = 0;

	if (getresuid(&ruid, &euid, &suid) == -1 || ruid != uid ||
	    euid != uid || suid != uid)
		return "a user id";
	if (getresgid(&rgid, &egid, &sgid) == -1 || rgid != gid ||
	    egid != gid || sgid != gid)
		return "a group id";
	if (getgroups(0, NULL) != 0)
		return "supplementary groups";
	if (setuid(0) != -1 || seteuid(0) != -1)
		return "the way back to uid 0";
	if (setgid(0) != -1 || setegid(0) != -1 ||
	    setgroups(1, &root_gid) != -1)
		return "the way back to gid 0";
	return NULL;
}

/* Logs what the guard runs as from now on: PP's user, chrooted to DIR or,
 * if NULL, not for the reason WHY. */
static void
priv_log(const struct priv_plan *pp, const char *dir, const char *why)
{
	if (pp->stay_root)
		log_event(LOG_LVL_WARN, 0, "run-as-root",
		    "reason=\"the site file says run-as-root yes\"");
	log_event(LOG_LVL_INFO, 0, "privileges",
	    "user=%s uid=%u gid=%u chroot=%s%s%s",
	    pp->user != NULL ? pp->user : "-", (unsigned)getuid(),
	    (unsigned)getgid(), dir != NULL ? dir : "none",
	    dir != NULL ? "" : " reason=", dir != NULL ? "" : why);
}

int
priv_drop(const struct priv_plan *pp)
{
	const char *dir = pp->chroot_dir, *why = pp->no_chroot, *kept;

#ifdef PRIV_SANITIZER_NEEDS_PROC
	if (dir != NULL) {
		dir = NULL;
		why = "sanitizer";
	}
#endif
	if (dir != NULL && (chroot(dir) == -1 || chdir("/") == -1)) {
		log_errno(LOG_LVL_ERR, 0, "privileges-failed", "chroot=%s",
		    dir);
		return -1;
	}
	if (pp->set_ids) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(pp->gid, pp->gid, pp->gid) == -1 ||
		    setresuid(pp->uid, pp->uid, pp->uid) == -1) {
			log_errno(LOG_LVL_ERR, 0, "privileges-failed",
			    "user=%s", pp->user);
			return -1;
		}
		kept = priv_kept(pp->uid, pp->gid);
		if (kept != NULL) {
			log_event(LOG_LVL_ERR, 0, "privileges-failed",
			    "user=%s reason=\"kept %s\"", pp->user, kept);
			return -1;
		}
	}
	priv_log(pp, dir, why);
	return 0;
}
