# Sourced by the benchmarks that compare with Postfix (smtp-bench, e2e-bench). Needs log() and die() from the caller.
#
#   ensure_postfix                         install Debian's postfix (smtp-source, smtp-sink) when missing
#   start_postfix_relay DIR PORT SINK DOMAIN
#                                          a private Postfix instance in DIR (queue, data, maillog), smtpd on
#                                          127.0.0.1:PORT, relaying DOMAIN to [127.0.0.1]:SINK; loopback is in
#                                          mynetworks and exempt from smtpd's client limits (Postfix's defaults for
#                                          trusted clients). No chroot: the private queue has no chroot files
#   stop_postfix_relay DIR                 stop it and wait for its master to go
#   postfix_master_pid DIR                 the master's pid (for CPU accounting)
# Environment: PF_DEST_CONCURRENCY [50] parallel deliveries to the sink (Postfix's smtp_destination_concurrency_limit)

ensure_postfix() {
  if command -v smtp-source >/dev/null && command -v smtp-sink >/dev/null && command -v postfix >/dev/null; then
    return
  fi
  log "installing postfix (smtp-source, smtp-sink)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postfix >/dev/null
  # the package may start the system instance: the benchmarks only use their own instance
  postfix stop >/dev/null 2>&1 || true
}

start_postfix_relay() {
  local dir=$1 port=$2 sink=$3 domain=$4
  mkdir -p "$dir/queue" "$dir/data"
  chmod 755 "$dir" "$(dirname "$dir")" # the postfix user must reach its queue and data directories
  chown postfix "$dir/data"
  cat >"$dir/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = reference.bench
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$sink
relay_domains = $domain
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
local_recipient_maps =
default_process_limit = 200
smtp_destination_concurrency_limit = ${PF_DEST_CONCURRENCY:-50}
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
CF
  # the Debian master.cf with the smtpd on our port and no chroot
  sed -e "s/^smtp\([[:space:]]\+\)inet\([[:space:]]\+\)n\([[:space:]]\+\)-\([[:space:]]\+\)[yn-]/127.0.0.1:$port\1inet\2n\3-\4n/" \
      -e 's/^\([a-z]\+[[:space:]]\+\(unix\|unix-dgram\|fifo\|inet\)[[:space:]]\+[-yn][[:space:]]\+[-yn][[:space:]]\+\)y/\1n/' \
      /etc/postfix/master.cf >"$dir/master.cf"
  grep -q "^127.0.0.1:$port" "$dir/master.cf" || die "could not set the Postfix smtpd port in master.cf"
  postfix -c "$dir" check >"$dir/check.log" 2>&1 || true
  postfix -c "$dir" start >"$dir/start.log" 2>&1 || die "postfix start failed: $(cat "$dir/start.log")"
  local t0=$SECONDS
  until bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; do
    [ $((SECONDS - t0)) -lt 30 ] || die "postfix smtpd not listening on $port after 30 s"
    sleep 0.3
  done
  log "postfix smtpd on 127.0.0.1:$port relaying $domain to 127.0.0.1:$sink"
}

postfix_master_pid() { tr -d ' ' <"$1/queue/pid/master.pid" 2>/dev/null; }

stop_postfix_relay() {
  local dir=$1 mpid
  [ -f "$dir/main.cf" ] || return 0
  mpid=$(postfix_master_pid "$dir" || true)
  postfix -c "$dir" stop >/dev/null 2>&1 || true
  [ -n "$mpid" ] || return 0
  for _ in $(seq 1 50); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.2; done
}
