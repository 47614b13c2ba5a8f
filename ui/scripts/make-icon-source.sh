#!/usr/bin/env bash
# Regenerates icons/source.png (1024x1024: rail switch, white on deep blue)
# with ImageMagick, then the platform icons with the Tauri CLI.
#   cd ui && bash scripts/make-icon-source.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=../icons/source.png
pts=$(python3 -c "
p0,p1,p2,p3=(330,720),(560,720),(544,320),(774,320)
pts=[]
for i in range(61):
    t=i/60; u=1-t
    x=u**3*p0[0]+3*u*u*t*p1[0]+3*u*t*t*p2[0]+t**3*p3[0]
    y=u**3*p0[1]+3*u*u*t*p1[1]+3*u*t*t*p2[1]+t**3*p3[1]
    pts.append(f'{x:.1f},{y:.1f}')
print(' '.join(pts))")
convert -size 1024x1024 xc:none \
  -fill '#0B4F8A' -draw "roundrectangle 64,64 959,959 200,200" \
  -fill none -stroke white -strokewidth 84 \
  -draw "stroke-linecap round stroke-linejoin round line 250,720 774,720" \
  -draw "stroke-linecap round stroke-linejoin round polyline $pts" \
  -depth 8 "$out"
npx tauri icon "$out" -o ../icons
# Keep only what the desktop bundle uses.
rm -rf ../icons/android ../icons/ios ../icons/Square*.png ../icons/StoreLogo.png ../icons/64x64.png
