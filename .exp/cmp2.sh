for round in 1 2; do while read p v; do echo "$v $p $(node --import tsx bench/ranged-client.ts http://127.0.0.1:$p/video.mp4 268435456 | cut -d. -f1)"; done < /tmp/exp/ports.txt; done
