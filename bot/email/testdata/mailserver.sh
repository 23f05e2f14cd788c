#!/usr/bin/env bash
# Starts a private Dovecot (IMAP + submission + LMTP) and OpenSMTPD (the relay submission hands mail to,
# delivering into Dovecot over LMTP) on loopback, all state under DIR, for bot/email's tests against
# real servers. Needs Debian's dovecot-imapd, dovecot-lmtpd, dovecot-submissiond and opensmtpd; run as
# root (the servers drop to the `mail` user for mailboxes). Prints the variables the tests read:
#   eval "$(bot/email/testdata/mailserver.sh /tmp/lapkin-mail)"; go test ./bot/email/
# Stop everything with: bot/email/testdata/mailserver.sh DIR stop
set -euo pipefail
dir=${1:?usage: mailserver.sh DIR [stop]}
imap=${LAPKIN_MAIL_IMAP_PORT:-1143} submission=${LAPKIN_MAIL_SUBMISSION_PORT:-1587}
lmtp=${LAPKIN_MAIL_LMTP_PORT:-1024} relay=${LAPKIN_MAIL_RELAY_PORT:-1025}
imaps=${LAPKIN_MAIL_IMAPS_PORT:-1993} submissions=${LAPKIN_MAIL_SUBMISSIONS_PORT:-1465}
if [ "${2:-}" = stop ]; then
  for f in "$dir/smtpd.pid" "$dir/run/master.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  exit 0
fi
mkdir -p "$dir/run" "$dir/mail"
chown mail:mail "$dir/mail"
chmod 755 "$dir" "$dir/run"
pass=lapkin-test-$$
# A throwaway certificate for 127.0.0.1, so that the TLS modes (IMAPS, submission with STARTTLS and
# over implicit TLS) are tested too; the tests trust it through LAPKIN_TEST_MAIL_CA.
# Without openssl the servers run without TLS and the TLS test skips.
ssl="ssl = no" tlsenv="" imapsport=0 submissionsport=0
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1; then
  chmod 600 "$dir/key.pem"
  ssl="ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem"
  imapsport=$imaps submissionsport=$submissions
  tlsenv="LAPKIN_TEST_IMAPS=127.0.0.1:$imaps LAPKIN_TEST_SMTPS=127.0.0.1:$submissions LAPKIN_TEST_MAIL_CA=$dir/cert.pem"
fi
# The bot's mailbox and two people of a test roster; every password is the same throwaway one.
: > "$dir/users"
for u in lapkin budi siti; do echo "$u@lapkin.test:{PLAIN}$pass" >> "$dir/users"; done
cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run
protocols = imap lmtp submission
listen = 127.0.0.1
log_path = $dir/dovecot.log
$ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused password is answered at once: the tests try one on purpose.
auth_failure_delay = 0
# ...and does not slow the next logins (Dovecot's documented way to turn its auth penalty off).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
first_valid_uid = 1
mail_uid = mail
mail_gid = mail
mail_location = maildir:$dir/mail/%d/%n
hostname = mail.lapkin.test
postmaster_address = postmaster@lapkin.test
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$dir/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imapsport
    ssl = yes
  }
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $submission
  }
  inet_listener submissions {
    address = 127.0.0.1
    port = $submissionsport
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp
  }
}
submission_relay_host = 127.0.0.1
submission_relay_port = $relay
submission_relay_trusted = yes
submission_max_mail_size = 40M
# lapkin+burst@lapkin.test lands in lapkin's folder "burst": each test reads its own folder.
recipient_delimiter = +
lmtp_save_to_detail_mailbox = yes
CONF
cat > "$dir/smtpd.conf" <<CONF
table vusers file:$dir/vusers
listen on 127.0.0.1 port $relay
action "deliver" lmtp "127.0.0.1:$lmtp" rcpt-to virtual <vusers>
match from any for domain "lapkin.test" action "deliver"
CONF
# Every address of the test domain is a virtual user OpenSMTPD hands on to Dovecot's LMTP as addressed.
echo "@lapkin.test mail" > "$dir/vusers"
dovecot -c "$dir/dovecot.conf"
smtpd -f "$dir/smtpd.conf" -d > "$dir/smtpd.log" 2>&1 &
echo $! > "$dir/smtpd.pid"
# Wait until all three ports answer (a few hundred ms).
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/$imap) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$submission) 2>/dev/null &&
     (exec 3<>/dev/tcp/127.0.0.1/$relay) 2>/dev/null; then
    break
  fi
  sleep 0.1
done
echo "export LAPKIN_TEST_IMAP=127.0.0.1:$imap LAPKIN_TEST_SMTP=127.0.0.1:$submission LAPKIN_TEST_MAIL_PASSWORD=$pass LAPKIN_TEST_MAIL_DOMAIN=lapkin.test" \
  $tlsenv
