//! The mount table (Linux): which file system holds a folder.

use std::path::Path;

/// FAT file systems as Linux names them (the kernel's own, or FUSE's).
pub(super) fn is_fat(fs_type: &str) -> bool {
    ["vfat", "msdos", "fat", "fuse.fusefat"].contains(&fs_type)
}

/// The file system type of the mount holding `dir`, from `/proc/self/mountinfo`: the longest
/// mount point that contains it.
pub(super) fn mount_type<'a>(mountinfo: &'a str, dir: &Path) -> Option<&'a str> {
    mountinfo
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let mount_point = fields.get(4)?.replace("\\040", " ");
            let fs_type = *fields.iter().skip_while(|f| **f != "-").nth(1)?;
            dir.starts_with(&mount_point).then_some((mount_point.len(), fs_type))
        })
        .max()
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mount_holding_a_folder_decides_its_type() {
        let table = "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n\
                     42 22 8:17 / /media/USB\\040DRIVE rw,relatime - vfat /dev/sdb1 rw,fmask=0022\n\
                     43 22 7:0 / /media/exfat rw - fuseblk /dev/loop0 rw\n";
        let t = |p: &str| mount_type(table, Path::new(p));
        assert_eq!(t("/media/USB DRIVE/DataBkup"), Some("vfat"));
        assert_eq!(t("/home/jane/DataBkup"), Some("ext4"));
        assert_eq!(t("/media/exfat/DataBkup"), Some("fuseblk"));
        assert!(is_fat("vfat") && !is_fat("fuseblk") && !is_fat("ext4"));
    }
}
