// Streamlit 1.67's own widget texts (uploader, selectbox, dataframe toolbar, sidebar, dialogs) are
// English and not configurable. ui/http_guard.py inlines this script into the app's HTML page: it
// translates those exact texts (and aria-label/title/placeholder) to Chinese as React renders them.
// Only whole, known UI strings are replaced, never text inside code blocks or user input.
(function () {
  "use strict";
  var EXACT = {
    "Skip to main content": "跳到主要内容",
    "Link to heading": "链接到此标题",
    "App pages": "页面导航",
    "Sidebar": "侧边栏",
    "Collapse sidebar": "收起侧边栏",
    "Expand sidebar": "展开侧边栏",
    "View less": "收起",
    "Open": "展开",
    "Close": "关闭",
    "Choose an option": "请选择",
    "Choose options": "请选择（可多选）",
    "Choose or add an option": "请选择或输入",
    "Choose or add options": "请选择或输入（可多选）",
    "Add an option": "请输入",
    "Add options": "请输入（可多选）",
    "No options to select": "没有可选项",
    "No results": "没有匹配的选项",
    "Select all": "全选",
    "Clear all": "全部清除",
    "Clear": "清除",
    "Clear value": "清除",
    "Increment": "增加",
    "Decrement": "减少",
    "Show/hide columns": "显示/隐藏列",
    "Download as CSV": "下载为 CSV",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Exit fullscreen": "退出全屏",
    "View fullscreen": "全屏查看",
    "Enter fullscreen": "全屏",
    "Copy to clipboard": "复制",
    "Copied!": "已复制",
    "Show password": "显示输入的字符",
    "Hide password": "隐藏输入的字符",
    "Streamlit Component": "页面组件",
    "progress": "进度",
    "Page not found": "页面不存在",
    "You do not have access to this app or it does not exist": "您无权访问或页面不存在",
    "Running...": "正在运行…",
    "Stop": "停止",
    "Rerun": "重新运行",
    "Settings": "设置",
    "Print": "打印",
    "About": "关于",
    "Clear cache": "清除缓存",
    "Clear caches": "清除缓存",
    "Main menu": "主菜单",
    "Connecting": "正在连接",
    "Please wait...": "请稍候…",
    "Upload": "上传",
    "Upload directories": "上传文件夹",
    "Browse files": "选择文件",
    "Drag and drop files here": "把文件拖到这里",
    "Drag and drop file here": "把文件拖到这里",
    "Drag and drop directories here": "把文件夹拖到这里",
    "Remove": "移除",
    "Delete": "删除",
    "Cancel": "取消",
    "Clear selection": "清除选择",
    "Add row": "添加行",
    "Delete row": "删除行",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Autosize": "自动列宽",
    "Pin column": "固定列",
    "Unpin column": "取消固定",
    "Hide column": "隐藏列",
    "Format": "格式",
    "Show all": "全部显示",
    "Hide all": "全部隐藏",
    "Show data": "显示数据",
    "Save as SVG": "保存为 SVG",
    "Save as PNG": "保存为 PNG",
    "Today": "今天",
    "Previous month": "上个月",
    "Next month": "下个月",
    "Select a date.": "请选择日期。",
    "Please enter a value": "请输入数值",
    "Press Enter to apply": "按回车键确认",
    "Press Enter to submit form": "按回车键提交",
    "Press Enter to submit": "按回车键提交",
    "Press Ctrl+Enter to apply": "按 Ctrl+回车 确认",
    "Press ⌘+Enter to apply": "按 ⌘+回车 确认",
    "Press Ctrl+Enter to submit form": "按 Ctrl+回车 提交",
    "Press ⌘+Enter to submit form": "按 ⌘+回车 提交",
    "Number is below the allowed range.": "数值低于允许范围。",
    "Number is above the allowed range.": "数值高于允许范围。",
    "Choose date": "选择日期",
    "Choose date range": "选择日期范围",
    "Clear date": "清除日期",
    "Clear dates": "清除日期",
    "Date range": "日期范围",
    "Quick select a date range": "快速选择日期范围",
    "Select...": "请选择…"
  };
  var PATTERNS = [
    [/^Help for (.+)$/, "“$1”的说明"],
    [/^[a-z_]+ icon$/, "图标"],
    [/^View (\d+) more$/, "还有 $1 项"],
    [/^Limit (.+) per file(.*)$/, "单个文件不超过 $1$2"],
    [/^(\S+) per file(.*)$/, "单个文件不超过 $1$2"],
    [/^The page that you have requested does not seem to exist\..*$/, "您访问的页面不存在，已为您打开首页。"],
    [/^Number is outside the allowed range\. Please enter a value between (.+) and (.+)\.$/, "数值超出允许范围，请输入 $1 到 $2 之间的数。"],
    [/^Number is below the allowed range\. Please enter a value greater than or equal to (.+)\.$/, "数值低于允许范围，请输入不小于 $1 的数。"],
    [/^Number is above the allowed range\. Please enter a value less than or equal to (.+)\.$/, "数值高于允许范围，请输入不大于 $1 的数。"],
    [/^(\d+) matches$/, "$1 项匹配"],
    [/^day, (.+) start date$/, "$1 开始日期（日）"], [/^day, (.+) end date$/, "$1 结束日期（日）"],
    [/^month, (.+) start date$/, "$1 开始日期（月）"], [/^month, (.+) end date$/, "$1 结束日期（月）"],
    [/^year, (.+) start date$/, "$1 开始日期（年）"], [/^year, (.+) end date$/, "$1 结束日期（年）"],
    [/^(.+) start date$/, "$1 开始日期"], [/^(.+) end date$/, "$1 结束日期"],
    [/^You can only select up to (\d+) options?\. Remove an option first\.$/, "最多只能选择 $1 项，请先移除一项。"]
  ];
  var ATTRS = ["title", "aria-label", "placeholder", "aria-placeholder", "aria-valuetext"];
  var SKIP = "code, pre, textarea, [contenteditable='true'], .stCode, [data-testid='stCode']";

  function tr(s) {
    var t = s.trim();
    if (!t || !/[A-Za-z]/.test(t)) return s;
    if (Object.prototype.hasOwnProperty.call(EXACT, t)) return s.replace(t, EXACT[t]);
    var err = /^Error: ([\s\S]+)$/.exec(t);
    if (err) return s.replace(t, "错误：" + tr(err[1]));
    for (var i = 0; i < PATTERNS.length; i++) {
      if (PATTERNS[i][0].test(t)) return s.replace(t, t.replace(PATTERNS[i][0], PATTERNS[i][1]));
    }
    return s;
  }

  function fix(n) {
    if (n.nodeType === 3) {
      var el = n.parentElement;
      if (!el || el.closest(SKIP)) return;
      var v = tr(n.nodeValue);
      if (v !== n.nodeValue) n.nodeValue = v;
    } else if (n.nodeType === 1) {
      for (var i = 0; i < ATTRS.length; i++) {
        var a = n.getAttribute(ATTRS[i]);
        if (a) {
          var w = tr(a);
          if (w !== a) n.setAttribute(ATTRS[i], w);
        }
      }
    }
  }

  function walk(root) {
    fix(root);
    if (root.nodeType !== 1) return;
    var it = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    while (it.nextNode()) fix(it.currentNode);
  }

  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (r.type === "childList") r.addedNodes.forEach(walk);
      else fix(r.target);
    }
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: ATTRS});
  if (document.body) walk(document.body);
  document.addEventListener("DOMContentLoaded", function () { walk(document.body); });
})();
